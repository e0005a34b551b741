"""Privacy-preserving record linkage (PPRL) for cross-border tracing.

Pure Python + numpy, no Django. A tracing query travels to partner nodes as *field-level
keyed Bloom filters* (cryptographic long-term keys, CLKs, per field: Schnell, Bachteler and
Reiher 2009), never as names or dates; each partner scores the filters against its own
children and answers only with pseudonymous references of likely matches. See
docs/exchange/pprl.md for the parameters, the flow and the limits.

Encoding (``PPRL_VERSION`` "kl-pprl-1"):

* Each record is first prepared by :func:`kinlink.matching.prepare` (the matching library's
  normalisation: token splitting, patronymics, a one-field "given family" name split).
* Every name field (given + other names, family, middle/patronymic, mother, father) is
  encoded in several *forms*, one Bloom filter per (field, form), so cross-script spelling
  survives: ``lat`` — every Latin transliteration of every token (one per romanisation
  convention, from :func:`kinlink.matching.names.token_keys`), ``phon`` — the phonetic keys,
  ``skel`` — the consonant skeletons (what lets محمد / Мухаммед / Muhammad meet). Tokens
  joined (Mohammad Reza ~ Mohammadreza) are encoded too.
* A form string ``s`` contributes the bigrams (q = 2) of ``_s_`` (padded on both sides).
* Dates: the possible birth years (from the date or the estimated age, each widened by ±1)
  as tokens ``y:YYYY`` in one filter; a documented full date as ``d:YYYY-MM-DD`` (and its
  day/month transposition) in another; sex ``s:m``/``s:f`` in a third.
* Each q-gram sets ``k`` bits of an ``l``-bit filter by double hashing (Kirsch and
  Mitzenmacher 2006): ``h1, h2`` = the first two 64-bit words of
  ``HMAC-SHA256(field_key, gram)``, positions ``(h1 + i·h2) mod l`` for i < k. The field key
  is ``HMAC-SHA256(network_key, "kl-pprl-1/" + field)``, so each field has its own key (the
  same bigram sets different bits in different fields) and nothing can be computed without
  the network key. Given and family names share one key per form (``name_lat``, …) so that
  a swapped order can be compared.
* Optional hardening ``fold=True``: XOR-folding (Schnell, Borgs and Encarnação 2016) halves
  each filter (bit i xor bit i + l/2) — fewer bits an attacker can align with q-grams, at a
  cost in accuracy (measured in bench/exchange/RESULTS.md).

Comparison: per filter pair the Dice coefficient ``2|A∧B| / (|A| + |B|)``; the score of a
pair is a logistic combination (``WEIGHTS``, fitted on a generated set with a different seed
from the benchmark, see bench/exchange/run_pprl.py ``--fit``): for each filter present on
both sides ``w? + f(dice)``, ``f`` piecewise linear with non-negative slopes (``KNOTS``);
missing filters contribute 0, as in Fellegi–Sunter. When both sides have a given and a family
name, they are also compared crosswise (a swapped order) and the better assignment counts.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np

from kinlink.matching.names import TokenKeys
from kinlink.matching.records import PersonRecord, PreparedName, PreparedRecord, prepare

__all__ = [
    "PPRL_VERSION",
    "PARAMS",
    "FIELDS",
    "Params",
    "Encoding",
    "EncodedIndex",
    "encode",
    "encode_prepared",
    "dice",
    "features",
    "score",
    "probability",
    "to_wire",
    "from_wire",
    "derive_field_key",
]

PPRL_VERSION = "kl-pprl-1"


@dataclass(frozen=True)
class Params:
    """Published parameters of one PPRL version (both sides must use the same)."""

    version: str = PPRL_VERSION
    bits: int = 1024  # l, filter length in bits (a multiple of 64)
    hashes: int = 10  # k, bits set per q-gram
    q: int = 2  # q-gram length
    pad: str = "_"  # padding character on both sides of a form
    fold: bool = False  # XOR-fold each filter to l/2 bits (hardening)

    @property
    def wire_bits(self) -> int:
        return self.bits // 2 if self.fold else self.bits


PARAMS = Params()

NAME_FIELDS = ("given", "family", "middle", "mother", "father")
FORMS = {
    "given": ("lat", "phon", "skel"),
    "family": ("lat", "phon", "skel"),
    "middle": ("lat", "skel"),
    "mother": ("lat", "skel"),
    "father": ("lat", "skel"),
}
# Every filter of a record, in wire order.
FIELDS: tuple[str, ...] = (
    *(f"{f}_{form}" for f in NAME_FIELDS for form in FORMS[f]),
    "year",
    "dob",
    "sex",
)


# --------------------------------------------------------------------------- hashing


def derive_field_key(network_key: bytes, fld: str, version: str = PPRL_VERSION) -> bytes:
    """The per-field key: HMAC-SHA256(network key, "<version>/<field>")."""
    if not isinstance(network_key, bytes | bytearray) or len(network_key) < 16:
        raise ValueError("the network key must be at least 16 random bytes")
    return hmac.new(bytes(network_key), f"{version}/{fld}".encode(), hashlib.sha256).digest()


@lru_cache(maxsize=1 << 20)
def _positions(field_key: bytes, token: str, bits: int, k: int) -> int:
    """The filter (as an int) of one token: k positions by keyed double hashing."""
    d = hmac.new(field_key, token.encode("utf-8"), hashlib.sha256).digest()
    h1 = int.from_bytes(d[:8], "big")
    h2 = int.from_bytes(d[8:16], "big") | 1  # odd: with l a power of two, k distinct steps
    out = 0
    for i in range(k):
        out |= 1 << ((h1 + i * h2) % bits)
    return out


def qgrams(s: str, q: int = 2, pad: str = "_") -> list[str]:
    """The q-grams of ``pad + s + pad`` (``"ali"`` → ``_a al li i_``)."""
    if not s:
        return []
    p = pad * (q - 1)
    t = f"{p}{s}{p}"
    return [t[i : i + q] for i in range(len(t) - q + 1)]


# --------------------------------------------------------------------------- forms


def _name_tokens(n: PreparedName) -> list[TokenKeys]:
    toks = list(n.tokens)
    if n.joined is not None:
        toks.append(n.joined)
    return toks


_ATTR = {"lat": "latin", "phon": "phon", "skel": "skel"}


def name_forms(names: Sequence[PreparedName], form: str) -> list[str]:
    """The normalised strings of one form (``lat``, ``phon`` or ``skel``) of some names."""
    out: list[str] = []
    for n in names:
        for t in _name_tokens(n):
            out.extend(getattr(t, _ATTR[form]))
    return list(dict.fromkeys(x for x in out if x))


def _year(o: int) -> int:
    return dt.date.fromordinal(max(1, o)).year


def record_tokens(p: PreparedRecord) -> dict[str, list[str]]:
    """Every token each filter of a prepared record encodes, before q-gram splitting for
    names (what tests check never reaches the wire)."""
    given = [p.given, *p.others]
    names = {
        "given": given,
        "family": [p.family],
        "middle": [p.middle],
        "mother": [p.mother],
        "father": [p.father],
    }
    out: dict[str, list[str]] = {}
    for f in NAME_FIELDS:
        for form in FORMS[f]:
            out[f"{f}_{form}"] = name_forms(names[f], form)
    years: list[str] = []
    if p.dob_lo:
        y0, y1 = _year(p.dob_lo), _year(p.dob_hi)
        if y1 - y0 <= 6:  # a wider range says nothing
            years = [f"y:{y}" for y in range(y0 - 1, y1 + 2)]
    out["year"] = years
    dob: list[str] = []
    if p.dob_precise:
        d = dt.date.fromordinal(p.dob_lo)
        dob.append(f"d:{d.isoformat()}")
        if d.day <= 12 and d.day != d.month:
            dob.append(f"d:{d.year:04d}-{d.day:02d}-{d.month:02d}")
    out["dob"] = dob
    out["sex"] = [f"s:{p.sex}"] if p.sex else []
    return out


# --------------------------------------------------------------------------- encoding


@dataclass
class Encoding:
    """The filters of one record: field → filter as a Python int (0 = field empty)."""

    filters: dict[str, int] = field(default_factory=dict)
    params: Params = PARAMS

    def get(self, fld: str) -> int:
        return self.filters.get(fld, 0)


def _fold(x: int, bits: int) -> int:
    half = bits // 2
    return (x ^ (x >> half)) & ((1 << half) - 1)


def _key_name(fld: str) -> str:
    """The name under which a filter's key is derived: given and family names share theirs
    (``name_<form>``) so that a swapped order can be compared; every other field has its own."""
    base, _, form = fld.rpartition("_")
    if base in ("given", "family"):
        return f"name_{form}"
    return fld


def _is_name_filter(fld: str) -> bool:
    return fld.rsplit("_", 1)[0] in NAME_FIELDS


def encode_prepared(p: PreparedRecord, key: bytes, params: Params = PARAMS) -> Encoding:
    filters: dict[str, int] = {}
    for fld, toks in record_tokens(p).items():
        if not toks:
            continue
        fk = derive_field_key(key, _key_name(fld), params.version)
        grams: Iterable[str]
        if _is_name_filter(fld):
            grams = {g for t in toks for g in qgrams(t, params.q, params.pad)}
        else:
            grams = toks  # dates and sex are whole tokens
        x = 0
        for g in grams:
            x |= _positions(fk, g, params.bits, params.hashes)
        if params.fold:
            x = _fold(x, params.bits)
        filters[fld] = x
    return Encoding(filters, params)


def encode(
    rec: PersonRecord, key: bytes, params: Params = PARAMS, *, reference_date: dt.date | None = None
) -> Encoding:
    """Encode one record (a child or a sought child) with the network key."""
    return encode_prepared(prepare(rec, reference_date=reference_date), key, params)


# --------------------------------------------------------------------------- wire


def to_wire(enc: Encoding) -> str:
    """``field:base64url,field:base64url,…`` (no padding), the empty fields left out."""
    nbytes = enc.params.wire_bits // 8
    parts = []
    for fld in FIELDS:
        x = enc.filters.get(fld, 0)
        if x:
            b = base64.urlsafe_b64encode(x.to_bytes(nbytes, "big")).rstrip(b"=").decode()
            parts.append(f"{fld}:{b}")
    return ",".join(parts)


def from_wire(text: str, params: Params = PARAMS) -> Encoding:
    """Parse :func:`to_wire`; raises ValueError on an unknown field or a wrong length."""
    nbytes = params.wire_bits // 8
    filters: dict[str, int] = {}
    if not isinstance(text, str):
        raise ValueError("encodings must be a string")
    for part in filter(None, text.split(",")):
        fld, sep, b = part.partition(":")
        if not sep or fld not in FIELDS or fld in filters:
            raise ValueError("unknown or repeated field in the encodings")
        try:
            raw = base64.urlsafe_b64decode(b + "=" * (-len(b) % 4))
        except (binascii.Error, ValueError):
            raise ValueError("a filter is not base64url") from None
        if len(raw) != nbytes:
            raise ValueError("a filter has the wrong length for this PPRL version")
        filters[fld] = int.from_bytes(raw, "big")
    return Encoding(filters, params)


# --------------------------------------------------------------------------- comparison


def dice(a: int, b: int) -> float:
    """Dice coefficient of two filters (0.0 when either is empty)."""
    if not a or not b:
        return 0.0
    return 2 * (a & b).bit_count() / (a.bit_count() + b.bit_count())


# Feature order of the logistic score. For each filter: "?" = present on both sides, and the
# Dice coefficient split into segments at ``KNOTS`` ("~0" = min(d, 0.5), "~1" = the part of d
# between 0.5 and 0.7, ...): a piecewise-linear function of d whose slopes are fitted
# non-negative, so more agreement never scores less (unrelated filters already share about
# their fill rate, so the weight of agreement grows where it matters, near 1).
KNOTS = (0.0, 0.5, 0.7, 0.85, 1.0)
FILTER_ORDER: tuple[str, ...] = FIELDS
FEATURES: tuple[str, ...] = tuple(
    x for f in FILTER_ORDER for x in (f"{f}?", *(f"{f}~{i}" for i in range(len(KNOTS) - 1)))
)
PER_FILTER = len(KNOTS)


def _expand(both: float, d: float) -> list[float]:
    return [
        both,
        *(min(max(d - lo, 0.0), hi - lo) for lo, hi in pairwise(KNOTS)),
    ]


# Fitted by `bench/exchange/run_pprl.py --fit` (logistic regression, L-BFGS-B with the slopes
# and full-agreement weights bounded at 0, small ridge; two rounds of hard-negative selection:
# the true child against the 40 highest-scoring other children of each query) on seed 7,
# 10000 children, 1200 requests (44239 pairs, 1079 true). Seed 7 is not the benchmark's 1.
WEIGHTS: dict[str, float] = {
    "given_lat?": -2.757,
    "given_lat~0": 5.874,
    "given_lat~1": 0.000,
    "given_lat~2": 0.000,
    "given_lat~3": 0.000,
    "given_phon?": -6.356,
    "given_phon~0": 11.081,
    "given_phon~1": 5.355,
    "given_phon~2": 0.000,
    "given_phon~3": 0.000,
    "given_skel?": -3.460,
    "given_skel~0": 8.099,
    "given_skel~1": 5.098,
    "given_skel~2": 5.802,
    "given_skel~3": 0.000,
    "family_lat?": -2.390,
    "family_lat~0": 4.905,
    "family_lat~1": 0.000,
    "family_lat~2": 0.000,
    "family_lat~3": 0.000,
    "family_phon?": -1.725,
    "family_phon~0": 0.000,
    "family_phon~1": 5.279,
    "family_phon~2": 5.487,
    "family_phon~3": 0.000,
    "family_skel?": -7.936,
    "family_skel~0": 12.371,
    "family_skel~1": 8.560,
    "family_skel~2": 4.526,
    "family_skel~3": 1.947,
    "middle_lat?": -0.959,
    "middle_lat~0": 2.649,
    "middle_lat~1": 1.827,
    "middle_lat~2": 0.000,
    "middle_lat~3": 0.000,
    "middle_skel?": -2.206,
    "middle_skel~0": 0.454,
    "middle_skel~1": 11.855,
    "middle_skel~2": 2.261,
    "middle_skel~3": 0.000,
    "mother_lat?": 0.166,
    "mother_lat~0": 2.546,
    "mother_lat~1": 0.000,
    "mother_lat~2": 0.000,
    "mother_lat~3": 0.000,
    "mother_skel?": -6.421,
    "mother_skel~0": 6.037,
    "mother_skel~1": 19.180,
    "mother_skel~2": 6.707,
    "mother_skel~3": 0.000,
    "father_lat?": 0.782,
    "father_lat~0": 0.460,
    "father_lat~1": 0.000,
    "father_lat~2": 0.000,
    "father_lat~3": 0.000,
    "father_skel?": -6.780,
    "father_skel~0": 7.257,
    "father_skel~1": 16.723,
    "father_skel~2": 5.459,
    "father_skel~3": 0.000,
    "year?": -7.087,
    "year~0": 14.296,
    "year~1": 6.829,
    "year~2": 0.000,
    "year~3": 2.648,
    "dob?": -4.930,
    "dob~0": 12.461,
    "dob~1": 5.252,
    "dob~2": 3.945,
    "dob~3": 3.945,
    "sex?": -5.867,
    "sex~0": 8.986,
    "sex~1": 3.609,
    "sex~2": 2.713,
    "sex~3": 2.713,
}
INTERCEPT = -1.743


def _has_both(e: Encoding) -> bool:
    return bool(e.get("given_lat") and e.get("family_lat"))


def _swap_partner(fld: str) -> str | None:
    base, _, form = fld.rpartition("_")
    if base == "given":
        return f"family_{form}"
    if base == "family":
        return f"given_{form}"
    return None


def features(q: Encoding, r: Encoding, *, swapped: bool = False) -> list[float]:
    """The feature vector of one pair (order ``FEATURES``). ``swapped``: the given and family
    name filters are compared crosswise, and both cross pairs count with the average of the
    given and the family weights (so the score stays symmetric)."""
    out: list[float] = []
    for fld in FILTER_ORDER:
        other = _swap_partner(fld) if swapped else None
        if other is None:
            a, b = q.get(fld), r.get(fld)
            out.extend(_expand(1.0 if (a and b) else 0.0, dice(a, b)))
            continue
        e1 = _cross(q.get(fld), r.get(other))
        e2 = _cross(q.get(other), r.get(fld))
        out.extend(0.5 * (u + v) for u, v in zip(e1, e2, strict=True))
    return out


def _cross(a: int, b: int) -> list[float]:
    return _expand(1.0 if (a and b) else 0.0, dice(a, b))


def _linear(x: Sequence[float]) -> float:
    return INTERCEPT + sum(WEIGHTS.get(n, 0.0) * v for n, v in zip(FEATURES, x, strict=True))


def score(q: Encoding, r: Encoding) -> float:
    """The match score (log-odds) of a pair. When both sides have a given and a family name,
    the better of the straight and the swapped assignment counts. Symmetric, and a record
    scores itself at least as high as any other record (slopes ≥ 0, full agreement ≥ 0)."""
    s = _linear(features(q, r))
    if _has_both(q) and _has_both(r):
        s = max(s, _linear(features(q, r, swapped=True)))
    return s


LIKELY = 0.5  # probability from which a candidate is reported as a likely match


def probability(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, s))))


# --------------------------------------------------------------------------- index


class EncodedIndex:
    """The encoded children of a node, as numpy bit matrices, scored in one pass.

    A full scan (about 14 ms per query against 20,000 records, bench/exchange): no blocking
    key is needed, so none travels with the query."""

    def __init__(self, params: Params = PARAMS) -> None:
        self.params = params
        self.ids: list[str] = []
        self._rows: dict[str, list[np.ndarray]] = {f: [] for f in FIELDS}
        self._mat: dict[str, np.ndarray] | None = None
        self._cnt: dict[str, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def _words(self, x: int) -> np.ndarray:
        nbytes = self.params.wire_bits // 8
        return np.frombuffer(x.to_bytes(nbytes, "little"), dtype="<u8")

    def add(self, record_id: str, enc: Encoding) -> None:
        self.ids.append(record_id)
        for f in FIELDS:
            self._rows[f].append(self._words(enc.get(f)))
        self._mat = self._cnt = None

    def _build(self) -> None:
        n_words = self.params.wire_bits // 64
        self._mat = {}
        self._cnt = {}
        for f in FIELDS:
            m = np.vstack(self._rows[f]) if self._rows[f] else np.zeros((0, n_words), dtype="<u8")
            self._mat[f] = m
            self._cnt[f] = np.bitwise_count(m).sum(axis=1, dtype=np.int32)

    def _dice(self, fld: str, x: int) -> tuple[np.ndarray, np.ndarray]:
        """(both present, Dice) of the records' ``fld`` filter against ``x``."""
        assert self._mat is not None and self._cnt is not None
        c = self._cnt[fld]
        if not x:
            z = np.zeros(len(c))
            return z, z
        inter = np.bitwise_count(self._mat[fld] & self._words(x)).sum(axis=1, dtype=np.int32)
        both = (c > 0).astype(float)
        return both, both * (2.0 * inter / np.maximum(c + x.bit_count(), 1))

    @staticmethod
    def _expand_cols(both: np.ndarray, d: np.ndarray) -> list[np.ndarray]:
        return [both, *(np.clip(d - lo, 0.0, hi - lo) for lo, hi in pairwise(KNOTS))]

    def feature_matrix(self, q: Encoding, *, swapped: bool = False) -> np.ndarray:
        """Features of ``q`` against every record (as :func:`features`, vectorised)."""
        if self._mat is None:
            self._build()
        cols: list[np.ndarray] = []
        for fld in FILTER_ORDER:
            other = _swap_partner(fld) if swapped else None
            if other is None:
                cols.extend(self._expand_cols(*self._dice(fld, q.get(fld))))
                continue
            e1 = self._expand_cols(*self._dice(other, q.get(fld)))
            e2 = self._expand_cols(*self._dice(fld, q.get(other)))
            cols.extend(0.5 * (u + v) for u, v in zip(e1, e2, strict=True))
        return np.column_stack(cols)

    @staticmethod
    def _curve(fld: str) -> tuple[float, np.ndarray]:
        """(w?, values of f at the knots) of one filter's score contribution."""
        slopes = [WEIGHTS.get(f"{fld}~{i}", 0.0) for i in range(len(KNOTS) - 1)]
        values = np.concatenate(([0.0], np.cumsum(np.multiply(slopes, np.diff(KNOTS)))))
        return WEIGHTS.get(f"{fld}?", 0.0), values

    def _term(self, rec_fld: str, x: int, weight_flds: tuple[str, ...]) -> np.ndarray:
        """The score contribution of the records' ``rec_fld`` filter against ``x``, with the
        average curve of ``weight_flds``: 0 where either side is empty."""
        both, d = self._dice(rec_fld, x)
        curves = [self._curve(f) for f in weight_flds]
        wp = sum(c[0] for c in curves) / len(curves)
        values = sum(c[1] for c in curves) / len(curves)
        return both * (wp + np.interp(d, KNOTS, values))

    def scores(self, q: Encoding) -> np.ndarray:
        """The score of ``q`` against every record (as :func:`score`, vectorised)."""
        if self._mat is None:
            self._build()
        assert self._cnt is not None
        terms = {f: self._term(f, q.get(f), (f,)) for f in FILTER_ORDER}
        s = np.sum(list(terms.values()), axis=0)
        if _has_both(q):
            both = (self._cnt["given_lat"] > 0) & (self._cnt["family_lat"] > 0)
            s2 = s.copy()
            for form in FORMS["given"]:
                g, f = f"given_{form}", f"family_{form}"
                s2 -= terms[g] + terms[f]
                s2 += self._term(g, q.get(f), (g, f)) + self._term(f, q.get(g), (g, f))
            s = np.where(both, np.maximum(s, s2), s)
        return INTERCEPT + s

    def search(self, q: Encoding, top_k: int = 5) -> list[tuple[str, float]]:
        """The ``top_k`` best records: (id, score) best first."""
        if not self.ids:
            return []
        s = self.scores(q)
        k = min(top_k, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        return [(self.ids[i], float(s[i])) for i in top]
