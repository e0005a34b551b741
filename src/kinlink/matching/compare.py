"""Field comparators: each returns a discrete comparison level (for Fellegi–Sunter) and, on
request, a sentence a caseworker understands. A missing value is always its own level (0),
never a disagreement."""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from itertools import chain, compress
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .names import TokenKeys
from .records import PersonRecord, PreparedName, PreparedRecord, prepare

__all__ = [
    "FIELDS",
    "LEVELS",
    "Comparison",
    "compare_records",
    "compare_prepared",
    "name_level",
    "token_level",
    "dob_level",
    "doc_level",
    "explain",
]

# ----------------------------------------------------------------------------- levels

NAME_LEVELS = ("missing", "exact", "translit", "variant", "phonetic", "skeleton", "root",
               "fuzzy_high", "fuzzy_low", "different")
N_MISSING, N_EXACT, N_TRANSLIT, N_VARIANT, N_PHON, N_SKEL, N_ROOT, N_FUZZY_HIGH, N_FUZZY_LOW, \
    N_DIFF = range(10)

DOB_LEVELS = ("missing", "exact", "transposed", "consistent", "within_1", "within_2",
              "within_3", "different")
D_MISSING, D_EXACT, D_TRANSPOSED, D_CONSISTENT, D_W1, D_W2, D_W3, D_DIFF = range(8)

SEX_LEVELS = ("missing", "agree", "different")
PLACE_LEVELS = ("missing", "same", "partial", "different")
PARENT_LEVELS = ("missing", "same", "partial", "similar", "different")
DOC_LEVELS = ("missing", "same", "one_edit", "different")

FIELDS = ("given_name", "family_name", "middle_name", "date_of_birth", "sex", "place_of_origin",
          "mother_name", "father_name", "document_number")
LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": NAME_LEVELS,
    "family_name": NAME_LEVELS,
    "middle_name": NAME_LEVELS,
    "date_of_birth": DOB_LEVELS,
    "sex": SEX_LEVELS,
    "place_of_origin": PLACE_LEVELS,
    "mother_name": PARENT_LEVELS,
    "father_name": PARENT_LEVELS,
    "document_number": DOC_LEVELS,
}

JW_HIGH = 0.92
JW_LOW = 0.85

_NAME_TEXT = {
    N_EXACT: "same",
    N_TRANSLIT: "same after transliteration",
    N_VARIANT: "known variant of the same name",
    N_PHON: "sounds the same",
    N_SKEL: "same consonants",
    N_ROOT: "same surname root (different ending)",
    N_FUZZY_HIGH: "very similar spelling",
    N_FUZZY_LOW: "similar spelling",
    N_DIFF: "different",
}
# how good a name level is, used only to decide whether given/family names were swapped
_GOODNESS = (1.0, 10.0, 9.5, 8.0, 8.0, 6.5, 5.0, 5.0, 2.5, 0.0)

# ----------------------------------------------------------------------------- tokens

_TOKEN_CACHE: dict[tuple[int, int], int] = {}
_TOKEN_CACHE_MAX = 2_000_000


class _Ex(NamedTuple):
    latin: tuple[str, ...]
    latin_set: frozenset[str]
    phon_set: frozenset[str]
    skel: tuple[str, ...]
    skel_set: frozenset[str]
    arab: bool
    latin4: tuple[str, ...]  # the spellings Jaro–Winkler looks at
    skel3: tuple[str, ...]  # the skeletons the one-edit rule looks at (3+ consonants)


@lru_cache(maxsize=1 << 17)
def _ex(t: TokenKeys) -> _Ex:
    """A token's keys unpacked once (TokenKeys stores them as joined strings)."""
    lat = t.latin
    sk = t.skel
    return _Ex(lat, frozenset(lat), frozenset(t.phon), sk, frozenset(sk), t.script == "arab",
               lat[:4], tuple(x for x in sk[:2] if len(x) >= 3))


def _jw(a: _Ex, b: _Ex) -> float:
    best = 0.0
    for x in a.latin[:4]:
        for y in b.latin[:4]:
            s = JaroWinkler.similarity(x, y)
            if s > best:
                best = s
    if (a.arab or b.arab) and a.skel and b.skel:
        # vowels are not written: compare consonants, but be stricter (short strings)
        s = JaroWinkler.similarity(a.skel[0], b.skel[0]) - 0.03
        if s > best:
            best = s
    return best


def _token_level_uncached(ta: TokenKeys, tb: TokenKeys) -> int:
    a = _ex(ta)
    b = _ex(tb)
    if ta.raw == tb.raw or (a.latin and b.latin and a.latin[0] == b.latin[0]
                            and ta.script == tb.script):
        return N_EXACT
    if not a.latin_set.isdisjoint(b.latin_set):
        return N_TRANSLIT
    if a.phon_set and b.phon_set:
        if not a.phon_set.isdisjoint(b.phon_set):
            return N_PHON
        if not a.skel_set.isdisjoint(b.skel_set):
            return N_SKEL
    elif a.skel_set and b.skel_set and not a.skel_set.isdisjoint(b.skel_set):
        return N_PHON  # Arabic script: the consonant skeleton is all there is
    jw = _jw(a, b)
    if jw >= JW_HIGH:
        return N_FUZZY_HIGH
    if jw >= JW_LOW or _skel_one_edit(a, b):
        return N_FUZZY_LOW
    return N_DIFF


def _skel_one_edit(a: _Ex, b: _Ex) -> bool:
    """Consonant skeletons at most one edit apart (Godirova ~ Koderrove: hdrv / kdrv) — the
    typo-tolerant blocking key, as a (weak) comparison level. Skeletons of 3+ consonants."""
    for x in a.skel[:2]:
        if len(x) < 3:
            continue
        for y in b.skel[:2]:
            if len(y) >= 3 and Levenshtein.distance(x, y, score_cutoff=1) <= 1:
                return True
    return False


def token_level(a: TokenKeys, b: TokenKeys) -> int:
    """Comparison level of two single tokens (not using the variant table)."""
    primed = getattr(_PRIMED, "levels", None)
    if primed is not None:
        m = primed.get(id(a))
        if m is not None:
            lv = m.get(id(b))
            if lv is not None:
                return lv
        m = primed.get(id(b))
        if m is not None:
            lv = m.get(id(a))
            if lv is not None:
                return lv
    key = (id(a), id(b))
    lv = _TOKEN_CACHE.get(key)
    if lv is None:
        lv = _token_level_uncached(a, b)
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()
            _KEEP.clear()
        _TOKEN_CACHE[key] = lv
        # the cache is keyed by object identity; keep both objects alive with the entry
        _KEEP[id(a)] = a
        _KEEP[id(b)] = b
    return lv


_KEEP: dict[int, TokenKeys] = {}

# Below this Jaro–Winkler similarity a pair cannot reach a fuzzy level, so cdist may return 0
# for it (score_cutoff). Kept well under JW_LOW - 0.03 so that values near the thresholds are
# computed in full (rapidfuzz treats the cutoff itself with a rounding tolerance).
_JW_FLOOR = 0.75


class _Group:
    """The candidate side of a bulk comparison, unpacked once for all query tokens."""

    __slots__ = ("toks", "raw", "script", "lat0", "lat", "phon", "skel", "arab", "skel0",
                 "lat_owner", "lat_choices", "sk_owner", "sk_choices")

    def __init__(self, toks: list[TokenKeys]) -> None:
        # the joined key strings are split here, without building the sets of _ex: a query's
        # candidate tokens are mostly seen once, and the query token's sets do the tests
        n = len(toks)
        self.toks = toks
        self.raw = [t.raw for t in toks]
        self.script = [t.script for t in toks]
        # tuples, not lists: the collector untracks a tuple of strings, so these short-lived
        # containers are not promoted into the old generation (whose full collections would
        # walk the whole index)
        self.lat = lat = [tuple(t.latin_s.split("|")) if t.latin_s else () for t in toks]
        self.phon = [tuple(t.phon_s.split("|")) if t.phon_s else () for t in toks]
        self.skel = skel = [tuple(t.skel_s.split("|")) if t.skel_s else () for t in toks]
        self.lat0 = [x[0] if x else None for x in lat]
        self.arab = [t.script == "arab" for t in toks]
        self.skel0 = [x[0] if x else None for x in skel]
        lat4 = [x[:4] for x in lat]
        sk3 = [tuple(y for y in x[:2] if len(y) >= 3) for x in skel]
        self.lat_choices = list(chain.from_iterable(lat4))
        self.lat_owner = np.repeat(np.arange(n, dtype=np.intp), [len(x) for x in lat4])
        self.sk_choices = list(chain.from_iterable(sk3))
        self.sk_owner = np.repeat(np.arange(n, dtype=np.intp), [len(x) for x in sk3])


def _levels_vs_group(ta: TokenKeys, g: _Group) -> list[int]:
    a = _ex(ta)
    n = len(g.toks)
    out = [N_DIFF] * n
    rest: list[int] = []  # pairs that reach the fuzzy stage
    a_raw, a_script = ta.raw, ta.script
    a_lat0 = a.latin[0] if a.latin else None
    a_lat, a_phon, a_skel = a.latin_set, a.phon_set, a.skel_set
    a_lat_dis, a_phon_dis, a_skel_dis = a_lat.isdisjoint, a_phon.isdisjoint, a_skel.isdisjoint
    j = -1
    for raw, script, lat0, lat, phon, skel in zip(g.raw, g.script, g.lat0, g.lat, g.phon,
                                                  g.skel, strict=True):
        j += 1
        if a_raw == raw or (a_lat0 is not None and a_lat0 == lat0 and a_script == script):
            out[j] = N_EXACT
        elif not a_lat_dis(lat):
            out[j] = N_TRANSLIT
        elif a_phon and phon:
            if not a_phon_dis(phon):
                out[j] = N_PHON
            elif not a_skel_dis(skel):
                out[j] = N_SKEL
            else:
                rest.append(j)
        elif a_skel and skel and not a_skel_dis(skel):
            out[j] = N_PHON
        else:
            rest.append(j)
    if not rest:
        return out
    fuzzy = np.zeros(n, dtype=bool)
    fuzzy[rest] = True
    best = np.zeros(n, dtype=np.float64)
    if a.latin4 and g.lat_choices:
        owner = g.lat_owner
        keep = fuzzy[owner]
        if keep.any():
            choices = list(compress(g.lat_choices, keep.tolist()))
            sim = process.cdist(a.latin4, choices, scorer=JaroWinkler.similarity,
                                dtype=np.float64, score_cutoff=_JW_FLOOR).max(axis=0)
            np.maximum.at(best, owner[keep], sim)
    if a.skel:
        js = [j for j in rest if g.skel0[j] is not None and (a.arab or g.arab[j])]
        if js:
            sim = process.cdist([a.skel[0]], [g.skel0[j] for j in js],
                                scorer=JaroWinkler.similarity, dtype=np.float64,
                                score_cutoff=_JW_FLOOR)[0] - 0.03
            idx = np.asarray(js, dtype=np.intp)
            best[idx] = np.maximum(best[idx], sim)
    one_edit = np.zeros(n, dtype=bool)
    if a.skel3 and g.sk_choices:
        low = fuzzy & (best < JW_LOW)
        owner = g.sk_owner
        keep = low[owner]
        if keep.any():
            choices = list(compress(g.sk_choices, keep.tolist()))
            dist = process.cdist(a.skel3, choices, scorer=Levenshtein.distance, score_cutoff=1,
                                 dtype=np.int32).min(axis=0)
            one_edit[owner[keep][dist <= 1]] = True
    high = fuzzy & (best >= JW_HIGH)
    low = fuzzy & ~high & ((best >= JW_LOW) | one_edit)
    for j in np.flatnonzero(high).tolist():
        out[j] = N_FUZZY_HIGH
    for j in np.flatnonzero(low).tolist():
        out[j] = N_FUZZY_LOW
    return out


def token_levels_bulk(ta: TokenKeys, tbs: list[TokenKeys]) -> list[int]:
    """``[token_level(ta, tb) for tb in tbs]`` with the same values, the fuzzy stage (Jaro–
    Winkler and the skeleton edit distance) done for all of ``tbs`` in one ``cdist`` call each.

    This is not a second comparator: the cheap stages are the same tests as
    :func:`_token_level_uncached`, and tests/matching/test_bulk_tokens.py checks that both
    agree on every pair of a generated set."""
    return _levels_vs_group(ta, _Group(tbs))


_PRIMED = threading.local()


def prime_token_cache(pairs: list[tuple[tuple[TokenKeys, ...], list[TokenKeys]]]) -> None:
    """Compute in bulk the levels of every (query token, candidate token) pair of ``pairs``
    (each entry: query tokens, distinct candidate tokens) and keep them, for this thread, until
    the next call (one query at a time). :func:`token_level` looks there first; a pair that
    was not primed is still computed on demand, so priming changes the speed, never a
    result."""
    levels: dict[int, dict[int, int]] = {}
    keep: list[object] = []  # the primed levels are keyed by id(): keep the objects alive
    for qt, us in pairs:
        if not us or not qt:
            continue
        ids = [id(u) for u in us]
        keep.append(us)
        keep.append(qt)
        group = _Group(us)
        for t in qt:
            m = dict(zip(ids, _levels_vs_group(t, group), strict=True))
            cur = levels.get(id(t))
            if cur is None:
                levels[id(t)] = m
            else:
                cur.update(m)
    _PRIMED.levels = levels
    _PRIMED.keep = keep


def unprime() -> None:
    """Forget the levels of :func:`prime_token_cache` (this thread)."""
    _PRIMED.levels = None
    _PRIMED.keep = None


def clear_caches() -> None:
    _TOKEN_CACHE.clear()
    _KEEP.clear()
    _ex.cache_clear()


# ----------------------------------------------------------------------------- names


def _set_level(short: tuple[TokenKeys, ...], long_: tuple[TokenKeys, ...]) -> int:
    """Worst, over the tokens of ``short``, of its best level against ``long_``."""
    worst = N_EXACT
    for t in short:
        best = N_DIFF
        for u in long_:
            lv = token_level(t, u)
            if lv < best:
                best = lv
                if lv == N_EXACT:
                    break
        if best > worst:
            worst = best
            if worst == N_DIFF:
                break
    return worst


def name_level(a: PreparedName, b: PreparedName, family: bool = False) -> int:
    """Best comparison level of two (multi-token) names; token order does not matter, extra
    tokens on one side cost one level. Symmetric."""
    if not a.tokens or not b.tokens:
        return N_MISSING
    la, lb = len(a.tokens), len(b.tokens)
    if la < lb:
        worst = _set_level(a.tokens, b.tokens)
    elif lb < la:
        worst = _set_level(b.tokens, a.tokens)
    else:
        worst = _set_level(a.tokens, b.tokens)
        if la > 1:
            worst = max(worst, _set_level(b.tokens, a.tokens))
    if la != lb and worst <= N_TRANSLIT:
        worst += 1
    level = worst
    if level > N_EXACT and (a.joined is not None or b.joined is not None):
        ja = a.joined or a.tokens[0]
        jb = b.joined or b.tokens[0]
        level = min(level, token_level(ja, jb))
    if level > N_VARIANT and a.variants and b.variants and not set(a.variants).isdisjoint(
        b.variants
    ):
        level = N_VARIANT
    if family and level > N_ROOT and a.roots and b.roots and not set(a.roots).isdisjoint(
        b.roots
    ):
        level = N_ROOT
    return level


def _given_level(q: PreparedRecord, r: PreparedRecord) -> int:
    lv = name_level(q.given, r.given)
    if not q.others and not r.others:
        return lv
    for a in (q.given, *q.others):
        for b in (r.given, *r.others):
            if lv == N_EXACT:
                return lv
            lo = name_level(a, b)
            if lo != N_MISSING and (lv == N_MISSING or lo < lv):
                lv = lo
    return lv


# ----------------------------------------------------------------------------- dates


def dob_level(a: PreparedRecord, b: PreparedRecord) -> int:
    if not a.dob_lo or not b.dob_lo:
        return D_MISSING
    if a.dob_precise and b.dob_precise:
        if a.dob_lo == b.dob_lo:
            return D_EXACT
        da = a.record.date_of_birth
        db = b.record.date_of_birth
        if da and db and da.year == db.year and da.day == db.month and da.month == db.day:
            return D_TRANSPOSED
    gap = max(0, a.dob_lo - b.dob_hi, b.dob_lo - a.dob_hi)  # days
    imprecise = not (a.dob_precise and b.dob_precise)
    if gap == 0 and imprecise:
        return D_CONSISTENT
    if gap <= 366:
        return D_W1
    if gap <= 731:
        return D_W2
    if gap <= 1096 and (a.dob_estimated or b.dob_estimated):
        return D_W3
    return D_DIFF


def _dob_text(a: PreparedRecord, b: PreparedRecord, lv: int) -> str:
    if lv == D_MISSING:
        return "not known on one side"
    est = []
    for side, p in (("request", a), ("record", b)):
        if p.dob_estimated:
            r = p.record
            if r.date_of_birth is not None and r.date_of_birth.month == 1 and (
                r.date_of_birth.day == 1
            ) and not r.age_estimated:
                est.append(f"{side} gives 1 January (often a placeholder)")
            else:
                est.append(f"{side} age/date was estimated")
        elif p.record.date_of_birth is None:
            est.append(f"{side} gives only an age")
    suffix = ("; " + ", ".join(est)) if est else ""
    gap = max(0, a.dob_lo - b.dob_hi, b.dob_lo - a.dob_hi) / 365.2425
    if lv == D_EXACT:
        return "identical"
    if lv == D_TRANSPOSED:
        return "day and month swapped"
    if lv == D_CONSISTENT:
        return "consistent" + suffix
    if gap < 0.1:
        return "a few days apart" + suffix
    if gap < 1.0:
        return f"about {max(1, round(gap * 12))} months apart" + suffix
    return f"about {gap:.0f} year{'s' if round(gap) != 1 else ''} apart" + suffix


# ----------------------------------------------------------------------------- others


def _place_level(a: PreparedName, b: PreparedName) -> int:
    if not a.tokens or not b.tokens:
        return 0
    if len(a.tokens) == len(b.tokens) and len(a.tokens) > 1:
        return max(_place_level1(a.tokens, b.tokens), _place_level1(b.tokens, a.tokens))
    if len(a.tokens) <= len(b.tokens):
        return _place_level1(a.tokens, b.tokens)
    return _place_level1(b.tokens, a.tokens)


def _place_level1(short: tuple[TokenKeys, ...], long_: tuple[TokenKeys, ...]) -> int:
    matched = 0
    for t in short:
        if min(token_level(t, u) for u in long_) <= N_FUZZY_HIGH:
            matched += 1
    if matched == len(short):
        return 1
    return 2 if matched else 3


def _parent_level(a: PreparedName, b: PreparedName) -> int:
    if not a.tokens or not b.tokens:
        return 0
    if len(a.tokens) == len(b.tokens) and len(a.tokens) > 1:
        return max(_parent_level1(a, b, a.tokens, b.tokens),
                   _parent_level1(a, b, b.tokens, a.tokens))
    if len(a.tokens) <= len(b.tokens):
        return _parent_level1(a, b, a.tokens, b.tokens)
    return _parent_level1(a, b, b.tokens, a.tokens)


def _parent_level1(a: PreparedName, b: PreparedName, short: tuple[TokenKeys, ...],
                   long_: tuple[TokenKeys, ...]) -> int:
    strong = weak = 0
    for t in short:
        best = min(token_level(t, u) for u in long_)
        if best <= N_SKEL:
            strong += 1
        elif best <= N_FUZZY_HIGH:
            weak += 1
    if strong == len(short):
        return 1
    if strong and strong + weak == len(short):
        return 1 if len(short) >= 2 and strong >= 1 and weak <= 1 else 2
    if strong:
        return 2
    if weak or (a.variants and b.variants and not set(a.variants).isdisjoint(b.variants)):
        return 3
    if a.roots and b.roots and not set(a.roots).isdisjoint(b.roots):
        return 3
    return 4


def doc_level(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """0 missing, 1 a number in common, 2 two numbers one edit apart (a mistyped or misread
    character, two neighbours swapped; numbers of 6+ characters), 3 different."""
    if not a or not b:
        return 0
    if not set(a).isdisjoint(b):
        return 1
    for x in a:
        if len(x) < 6:
            continue
        for y in b:
            if len(y) >= 6 and OSA.distance(x, y, score_cutoff=1) <= 1:
                return 2
    return 3


# ----------------------------------------------------------------------------- records


class Comparison(NamedTuple):
    levels: tuple[int, ...]  # one per FIELDS entry
    swapped: bool  # given and family names were swapped between the two records

    def level_names(self) -> dict[str, str]:
        return {f: LEVELS[f][lv] for f, lv in zip(FIELDS, self.levels, strict=True)}


def compare_prepared(q: PreparedRecord, r: PreparedRecord) -> Comparison:
    """Compare a request (or any record) with a candidate; both prepared."""
    g = _given_level(q, r)
    f = name_level(q.family, r.family, True)
    swapped = False
    if g > N_PHON or f > N_PHON:
        g2 = name_level(q.given, r.family, True)
        f2 = name_level(q.family, r.given, True)
        if g2 and f2 and _GOODNESS[g2] + _GOODNESS[f2] > _GOODNESS[g] + _GOODNESS[f] + 0.5:
            g, f, swapped = min(g2, f2), max(g2, f2), True
    m = name_level(q.middle, r.middle)
    d = dob_level(q, r)
    s = 0 if q.sex is None or r.sex is None else 1 if q.sex == r.sex else 2
    p = _place_level(q.place, r.place)
    mo = _parent_level(q.mother, r.mother)
    fa = _parent_level(q.father, r.father)
    return Comparison((g, f, m, d, s, p, mo, fa, doc_level(q.docs, r.docs)), swapped)


def compare_records(a: PersonRecord, b: PersonRecord, *,
                    reference_date: dt.date | None = None) -> Comparison:
    """Compare two plain records (prepares them first)."""
    return compare_prepared(prepare(a, reference_date=reference_date),
                            prepare(b, reference_date=reference_date))


_FIELD_LABEL = {
    "given_name": "given name",
    "family_name": "family name",
    "middle_name": "patronymic/middle name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "place_of_origin": "place of origin",
    "mother_name": "mother's name",
    "father_name": "father's name",
    "document_number": "document number",
}
_OTHER_TEXT = {
    "sex": ("not known on one side", "same", "different"),
    "place_of_origin": ("not known on one side", "same place", "partly the same",
                        "different"),
    "mother_name": ("not known on one side", "same", "partly the same", "similar", "different"),
    "father_name": ("not known on one side", "same", "partly the same", "similar", "different"),
    "document_number": ("not known on one side", "same", "one character apart", "different"),
}


def field_texts(q: PreparedRecord, r: PreparedRecord, cmp: Comparison) -> dict[str, str]:
    """One short sentence per field."""
    out: dict[str, str] = {}
    for fname, lv in zip(FIELDS, cmp.levels, strict=True):
        if fname in ("given_name", "family_name", "middle_name"):
            if lv == N_MISSING:
                text = "not known on one side"
                if fname == "middle_name" and (q.middle or r.middle):
                    text = "given on one side only (dropped patronymic?)"
            else:
                text = _NAME_TEXT[lv]
                if cmp.swapped and fname != "middle_name":
                    text += " (given and family names swapped)"
        elif fname == "date_of_birth":
            text = _dob_text(q, r, lv)
        else:
            text = _OTHER_TEXT[fname][lv]
        out[fname] = text
    return out


def explain(q: PreparedRecord | PersonRecord, r: PreparedRecord | PersonRecord,
            cmp: Comparison | None = None, *, reference_date: dt.date | None = None) -> str:
    """A one-line, field-by-field explanation, e.g.
    ``family name: same after transliteration; date of birth: about 2 years apart, ...``."""
    if isinstance(q, PersonRecord):
        q = prepare(q, reference_date=reference_date)
    if isinstance(r, PersonRecord):
        r = prepare(r, reference_date=reference_date)
    cmp = cmp or compare_prepared(q, r)
    texts = field_texts(q, r, cmp)
    parts = []
    for fname, lv in zip(FIELDS, cmp.levels, strict=True):
        if (lv == 0 and fname not in ("given_name", "family_name", "date_of_birth")
                and not (fname == "middle_name" and (q.middle or r.middle))):
            continue
        parts.append(f"{_FIELD_LABEL[fname]}: {texts[fname]}")
    return "; ".join(parts)
