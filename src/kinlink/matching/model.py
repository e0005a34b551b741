"""A Fellegi–Sunter match model: m and u probabilities per comparison level.

* ``m[f][l]`` = P(field f compares at level l | the two records are the same child)
* ``u[f][l]`` = P(field f compares at level l | they are different children)

A pair's *match weight* (``score``) is ``Σ log2(m/u)`` over the fields that are known on both
sides (the ``missing`` level always weighs 0). The match probability adds the prior odds
``λ/(1-λ)`` that a blocking candidate is the child, and a logistic recalibration ``a + b·x``
learnt from caseworkers' decisions (identity until :meth:`fit_from_labels` is called).

The shipped defaults were set by hand from what caseworkers report about registration data
(see docs/matching.md) and work untrained; :meth:`fit_em` re-estimates them without labels,
:meth:`fit_u_random` estimates u from random pairs, :meth:`fit_from_labels` adapts a
deployment to its own confirmed/rejected matches.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .compare import FIELDS, LEVELS, Comparison, compare_prepared
from .records import PersonRecord, PreparedRecord, prepare

__all__ = ["FellegiSunterModel", "DEFAULT_M", "DEFAULT_U", "DEFAULT_MODEL_PATH", "FieldWeight"]

#                 miss  exact translit variant phon  skel  root  fz_hi  fz_lo  diff
_NAME_M = [0.0, 0.44, 0.20, 0.07, 0.12, 0.06, 0.005, 0.06, 0.035, 0.01]
_NAME_U = [0.0, 0.006, 0.003, 0.002, 0.006, 0.004, 0.002, 0.004, 0.02, 0.954]
_FAM_M = [0.0, 0.44, 0.20, 0.02, 0.12, 0.05, 0.04, 0.05, 0.03, 0.04]
_FAM_U = [0.0, 0.002, 0.0015, 0.0005, 0.002, 0.002, 0.002, 0.002, 0.012, 0.9765]
_MID_M = [0.0, 0.40, 0.20, 0.03, 0.10, 0.05, 0.01, 0.08, 0.06, 0.07]
_MID_U = [0.0, 0.01, 0.006, 0.003, 0.008, 0.005, 0.003, 0.006, 0.03, 0.931]

DEFAULT_M: dict[str, list[float]] = {
    "given_name": _NAME_M,
    "family_name": _FAM_M,
    "middle_name": _MID_M,
    #               miss exact  transp consist within1 within2 within3 diff
    "date_of_birth": [0.0, 0.30, 0.01, 0.33, 0.20, 0.10, 0.04, 0.02],
    "sex": [0.0, 0.97, 0.03],
    "place_of_origin": [0.0, 0.60, 0.15, 0.25],
    "mother_name": [0.0, 0.55, 0.25, 0.08, 0.12],
    "father_name": [0.0, 0.55, 0.25, 0.08, 0.12],
    #                  miss  same  one_edit different
    "document_number": [0.0, 0.80, 0.05, 0.15],
}
# Parents' names are shared by siblings, the hardest non-matches: their u is set for
# candidate pairs (same family name is common among candidates), not for random pairs.
DEFAULT_U: dict[str, list[float]] = {
    "given_name": _NAME_U,
    "family_name": _FAM_U,
    "middle_name": _MID_U,
    "date_of_birth": [0.0, 0.0003, 0.00003, 0.05, 0.10, 0.10, 0.09, 0.65967],
    "sex": [0.0, 0.5, 0.5],
    "place_of_origin": [0.0, 0.05, 0.05, 0.90],
    "mother_name": [0.0, 0.015, 0.04, 0.05, 0.895],
    "father_name": [0.0, 0.015, 0.04, 0.05, 0.895],
    # siblings written into one parent's passport share its number
    "document_number": [0.0, 0.00002, 0.0002, 0.99978],
}

_FLOOR = 1e-6

# Fellegi–Sunter assumes the fields independent, but siblings share the family name, the
# parents' names and the place: summed, these outweigh a given name that is plainly another
# child's. A candidate whose given name is 'different' while a parent's name is the 'same'
# has the signature of a sibling, and its score is lowered by this many bits. Chosen by a
# grid search (0-12 bits) for recall@1 on the training generation (seed 101, 20,000
# children), never on the reported set; see bench/matching/RESULTS.md.
SIBLING_PENALTY = 6.0
_GIVEN_DIFFERENT = len(LEVELS["given_name"]) - 1
_PARENT_SAME = LEVELS["mother_name"].index("same")

DEFAULT_MODEL_PATH = Path(__file__).with_name("data") / "default_model.json"
"""Parameters fitted by EM on a synthetic training generation (bench/matching/fit.py); loaded
by ``FellegiSunterModel()``. The hand-set values above are the fallback and the EM start."""


def _load_shipped() -> dict[str, Any] | None:
    try:
        with open(DEFAULT_MODEL_PATH, encoding="utf-8") as fh:
            d = json.load(fh)
        for f, fd in d["fields"].items():
            if f in LEVELS and list(fd["levels"]) != list(LEVELS[f]):
                return None
        return d
    except (OSError, ValueError, KeyError, TypeError):
        return None


_SHIPPED = _load_shipped()


def _shipped_mu(which: str) -> dict[str, list[float]]:
    if _SHIPPED is not None:
        src = DEFAULT_M if which == "m" else DEFAULT_U
        fields = _SHIPPED["fields"]
        return {f: [float(x) for x in fields[f][which]] if f in fields else list(src[f])
                for f in FIELDS}
    src = DEFAULT_M if which == "m" else DEFAULT_U
    return {k: list(v) for k, v in src.items()}


def _shipped(key: str, sub: str | None, default: float) -> float:
    if _SHIPPED is None:
        return default
    v = _SHIPPED.get(key, default)
    if sub is not None:
        v = v.get(sub, default) if isinstance(v, dict) else default
    return float(v)


def _norm(v: np.ndarray) -> np.ndarray:
    v = np.maximum(np.asarray(v, dtype=float), _FLOOR)
    v[0] = 0.0  # 'missing' is never a level with evidence
    s = v[1:].sum()
    return v / s


@dataclass
class FieldWeight:
    field: str
    level: str
    weight: float  # log2(m/u), 0 for missing


@dataclass
class FellegiSunterModel:
    m: dict[str, list[float]] = field(default_factory=lambda: _shipped_mu("m"))
    u: dict[str, list[float]] = field(default_factory=lambda: _shipped_mu("u"))
    # P(match) for a blocking candidate
    prior: float = field(default_factory=lambda: _shipped("prior", None, 0.002))
    # default decision threshold on the probability
    threshold: float = field(default_factory=lambda: _shipped("threshold", None, 0.5))
    calib_a: float = field(default_factory=lambda: _shipped("calibration", "a", 0.0))
    calib_b: float = field(default_factory=lambda: _shipped("calibration", "b", 1.0))
    learned_names: list[tuple[str, str]] = field(default_factory=list)
    sibling_penalty: float = field(
        default_factory=lambda: _shipped("sibling_penalty", None, SIBLING_PENALTY)
    )

    def __post_init__(self) -> None:
        self._refresh()

    @classmethod
    def hand_set(cls) -> FellegiSunterModel:
        """The hand-set parameters (the EM starting point), ignoring the shipped fit."""
        return cls(m={k: list(v) for k, v in DEFAULT_M.items()},
                   u={k: list(v) for k, v in DEFAULT_U.items()}, prior=0.002, threshold=0.5,
                   calib_a=0.0, calib_b=1.0)

    # ------------------------------------------------------------------ weights
    def _refresh(self) -> None:
        for f in FIELDS:
            self.m[f] = [float(x) for x in _norm(np.array(self.m[f]))]
            self.u[f] = [float(x) for x in _norm(np.array(self.u[f]))]
        self._w = []
        for f in FIELDS:
            m = np.array(self.m[f])
            u = np.array(self.u[f])
            w = np.zeros(len(m))
            w[1:] = np.log2(np.maximum(m[1:], _FLOOR) / np.maximum(u[1:], _FLOOR))
            self._w.append(tuple(float(x) for x in w))
        self._prior_bits = math.log2(self.prior / (1.0 - self.prior))

    def weights(self) -> dict[str, dict[str, float]]:
        return {f: dict(zip(LEVELS[f], w, strict=True)) for f, w in zip(FIELDS, self._w,
                                                                          strict=True)}

    def score(self, levels: Sequence[int]) -> float:
        """Match weight in bits (log2 Bayes factor)."""
        w = self._w
        if len(levels) != len(w):
            # comparisons stored before a field was added: the new field is 'missing' (0)
            levels = _padded(levels)
        s = (w[0][levels[0]] + w[1][levels[1]] + w[2][levels[2]] + w[3][levels[3]]
             + w[4][levels[4]] + w[5][levels[5]] + w[6][levels[6]] + w[7][levels[7]]
             + w[8][levels[8]])
        if self._sibling_pattern(levels):
            s -= self.sibling_penalty
        return s

    @staticmethod
    def _sibling_pattern(levels: Sequence[int]) -> bool:
        return levels[0] == _GIVEN_DIFFERENT and (
            levels[6] == _PARENT_SAME or levels[7] == _PARENT_SAME
        )

    def probability_from_score(self, score: float) -> float:
        x = (score + self._prior_bits) * math.log(2.0)
        x = self.calib_a + self.calib_b * x
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    def probabilities(self, scores: Sequence[float]) -> list[float]:
        """Probabilities for all candidates of *one* query, knowing that at most one of them is
        the child: ``P(i) = o_i / (1 + Σ_j o_j)`` with ``o_i`` the calibrated, prior-weighted
        odds of candidate i (``log o_i = a + b·x_i``). A sibling that looks almost as good as
        the child lowers both, and the probabilities never add up to more than 1. With a single
        candidate this is :meth:`probability_from_score`."""
        if not scores:
            return []
        ln2 = math.log(2.0)
        a, b = self.calib_a, self.calib_b
        xs = [a + b * (s + self._prior_bits) * ln2 for s in scores]
        mx = max(max(xs), 0.0)
        denom = math.exp(-mx) + sum(math.exp(x - mx) for x in xs)
        return [math.exp(x - mx) / denom for x in xs]

    def probability(self, levels: Sequence[int]) -> float:
        return self.probability_from_score(self.score(levels))

    def contributions(self, levels: Sequence[int]) -> list[FieldWeight]:
        levels = _padded(levels)
        out = [FieldWeight(f, LEVELS[f][lv], self._w[i][lv])
               for i, (f, lv) in enumerate(zip(FIELDS, levels, strict=True))]
        if self._sibling_pattern(levels) and self.sibling_penalty:
            out.append(FieldWeight("sibling_signature", "given name different, a parent the same",
                                   -self.sibling_penalty))
        return out

    def is_match(self, probability: float, threshold: float | None = None) -> bool:
        return probability >= (self.threshold if threshold is None else threshold)

    # ------------------------------------------------------------------ training
    @staticmethod
    def _as_levels(pairs: Iterable[Any]) -> np.ndarray:
        rows = []
        for p in pairs:
            if isinstance(p, Comparison):
                rows.append(p.levels)
            elif isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], PreparedRecord):
                rows.append(compare_prepared(p[0], p[1]).levels)
            elif isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], PersonRecord):
                rows.append(compare_prepared(prepare(p[0]), prepare(p[1])).levels)
            else:
                rows.append(_padded(tuple(p)))
        if not rows:
            return np.zeros((0, len(FIELDS)), dtype=np.int64)
        return np.asarray(rows, dtype=np.int64)

    def _counts(self, X: np.ndarray, wts: np.ndarray, fi: int) -> np.ndarray:
        n = len(LEVELS[FIELDS[fi]])
        return np.bincount(X[:, fi], weights=wts, minlength=n)[:n]

    def fit_u_random(self, pairs: Iterable[Any], strength: float = 10.0) -> FellegiSunterModel:
        """Estimate u from comparisons of random pairs (almost all non-matches)."""
        X = self._as_levels(pairs)
        ones = np.ones(len(X))
        for fi, f in enumerate(FIELDS):
            c = self._counts(X, ones, fi)
            c[0] = 0
            prior = np.array(self.u[f]) * strength
            self.u[f] = list(_norm(c + prior))
        self._refresh()
        return self

    def fit_em(self, pairs: Iterable[Any], *, max_iter: int = 100, tol: float = 1e-5,
               fix_u: bool = False, strength: float = 5.0, u_from_marginals: bool = False,
               max_prior: float = 0.5) -> dict[str, Any]:
        """Unsupervised EM over comparison vectors of candidate pairs. Returns a summary with
        the number of iterations, whether it converged and the log-likelihood trace.

        ``u_from_marginals`` sets u to the level frequencies over all the pairs and keeps it
        fixed (almost every candidate pair is a non-match); only m and the prior are then
        estimated. This keeps EM from settling on "same family" (siblings share the family
        and parents' names) instead of "same child". ``max_prior`` caps the prior."""
        X = self._as_levels(pairs)
        n = len(X)
        if n == 0:
            return {"iterations": 0, "converged": False, "loglik": []}
        if u_from_marginals:
            ones = np.ones(n)
            for fi, f in enumerate(FIELDS):
                c = self._counts(X, ones, fi)
                c[0] = 0
                self.u[f] = list(_norm(c + 0.5))
            fix_u = True
        m = [np.array(self.m[f]) for f in FIELDS]
        u = [np.array(self.u[f]) for f in FIELDS]
        m0 = [x * strength for x in m]
        u0 = [x * strength for x in u]
        lam = self.prior
        trace: list[float] = []
        converged = False
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007
            lm = np.full(n, math.log(lam))
            lu = np.full(n, math.log(1 - lam))
            for fi in range(len(FIELDS)):
                col = X[:, fi]
                obs = col > 0
                lm[obs] += np.log(np.maximum(m[fi][col[obs]], _FLOOR))
                lu[obs] += np.log(np.maximum(u[fi][col[obs]], _FLOOR))
            mx = np.maximum(lm, lu)
            ll = mx + np.log(np.exp(lm - mx) + np.exp(lu - mx))
            g = np.exp(lm - ll)
            trace.append(float(ll.sum()))
            new_m, new_u = [], []
            delta = 0.0
            for fi in range(len(FIELDS)):
                cm = self._counts(X, g, fi)
                cm[0] = 0
                nm = _norm(cm + m0[fi])
                delta = max(delta, float(np.abs(nm - m[fi]).max()))
                new_m.append(nm)
                if fix_u:
                    new_u.append(u[fi])
                else:
                    cu = self._counts(X, 1 - g, fi)
                    cu[0] = 0
                    nu = _norm(cu + u0[fi])
                    delta = max(delta, float(np.abs(nu - u[fi]).max()))
                    new_u.append(nu)
            new_lam = float(np.clip(g.mean(), 1e-6, max_prior))
            delta = max(delta, abs(new_lam - lam))
            m, u, lam = new_m, new_u, new_lam
            if delta < tol:
                converged = True
                break
        for fi, f in enumerate(FIELDS):
            self.m[f] = list(m[fi])
            self.u[f] = list(u[fi])
        self.prior = lam
        self._refresh()
        return {"iterations": it, "converged": converged, "loglik": trace, "prior": lam}

    def fit_from_labels(self, pairs: Sequence[Any], labels: Sequence[bool], *,
                        strength_m: float = 20.0, strength_u: float = 200.0,
                        learn_names: bool = True) -> FellegiSunterModel:
        """Recalibrate from caseworkers' decisions: ``labels[i]`` is True for a confirmed match,
        False for a rejected candidate. m moves toward the confirmed matches' levels, u toward
        the rejected ones' (with stronger shrinkage: rejected candidates are harder than
        random pairs), then a logistic calibration of the probability is fitted. Confirmed
        matches whose given names did not meet by any rule are remembered as name variants
        (``learned_names``) so the deployment learns its own names."""
        labels = [bool(x) for x in labels]
        if len(labels) != len(pairs):
            raise ValueError("pairs and labels differ in length")
        X = self._as_levels(pairs)
        y = np.asarray(labels, dtype=float)
        if learn_names:
            self._learn_names(pairs, labels, X)
        for fi, f in enumerate(FIELDS):
            if y.sum() > 0:
                cm = self._counts(X, y, fi)
                cm[0] = 0
                self.m[f] = list(_norm(cm + np.array(self.m[f]) * strength_m))
            if (1 - y).sum() > 0:
                cu = self._counts(X, 1 - y, fi)
                cu[0] = 0
                self.u[f] = list(_norm(cu + np.array(self.u[f]) * strength_u))
        self._refresh()
        if 0 < y.sum() < len(y):
            x = np.array([(self.score(r) + self._prior_bits) * math.log(2.0) for r in X])
            self.calib_a, self.calib_b = _fit_logistic(x, y, a0=self.calib_a, b0=self.calib_b)
        return self

    def _learn_names(self, pairs: Sequence[Any], labels: Sequence[bool], X: np.ndarray) -> None:
        from .compare import N_FUZZY_LOW

        gi = FIELDS.index("given_name")
        for p, lab, row in zip(pairs, labels, X, strict=True):
            if not lab or row[gi] < N_FUZZY_LOW:
                continue
            recs = None
            if isinstance(p, tuple) and len(p) == 2:
                a, b = p
                a = a.record if isinstance(a, PreparedRecord) else a
                b = b.record if isinstance(b, PreparedRecord) else b
                if isinstance(a, PersonRecord) and isinstance(b, PersonRecord):
                    recs = (a.given_name.strip(), b.given_name.strip())
            if recs and all(recs) and recs not in self.learned_names:
                self.learned_names.append(recs)

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "kinlink.matching.fellegi-sunter/1",
            "fields": {f: {"levels": list(LEVELS[f]), "m": self.m[f], "u": self.u[f]}
                       for f in FIELDS},
            "prior": self.prior,
            "threshold": self.threshold,
            "calibration": {"a": self.calib_a, "b": self.calib_b},
            "learned_names": [list(x) for x in self.learned_names],
            "sibling_penalty": self.sibling_penalty,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FellegiSunterModel:
        if d.get("format") != "kinlink.matching.fellegi-sunter/1":
            raise ValueError("not a kinlink match-model file")
        m, u = {}, {}
        for f in FIELDS:
            fd = d["fields"].get(f)
            if fd is None:  # a model saved before this field existed: its defaults
                m[f], u[f] = list(DEFAULT_M[f]), list(DEFAULT_U[f])
                continue
            if list(fd["levels"]) != list(LEVELS[f]):
                raise ValueError(f"levels of {f} do not match this version")
            m[f] = [float(x) for x in fd["m"]]
            u[f] = [float(x) for x in fd["u"]]
        cal = d.get("calibration", {})
        return cls(m=m, u=u, prior=float(d["prior"]), threshold=float(d["threshold"]),
                   calib_a=float(cal.get("a", 0.0)), calib_b=float(cal.get("b", 1.0)),
                   learned_names=[(str(a), str(b)) for a, b in d.get("learned_names", [])],
                   sibling_penalty=float(d.get("sibling_penalty", SIBLING_PENALTY)))

    def save(self, path: str | os.PathLike[str]) -> None:
        path = os.fspath(path)
        d = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=".json", dir=d)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_dict(), fh, indent=1, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> FellegiSunterModel:
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))


def _padded(levels: Sequence[int]) -> tuple[int, ...]:
    """Comparison levels stored before fields were added (shorter): the new fields are
    'missing'. Longer vectors are an error."""
    levels = tuple(levels)
    if len(levels) > len(FIELDS):
        raise ValueError(f"{len(levels)} comparison levels for {len(FIELDS)} fields")
    return levels + (0,) * (len(FIELDS) - len(levels))


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, a0: float = 0.0,
                  b0: float = 1.0) -> tuple[float, float]:
    """Two-parameter logistic regression (Newton), shrunk toward (a0, b0) — identity by
    default, the current calibration when a deployment recalibrates."""
    a, b = a0, b0
    for _ in range(50):
        z = np.clip(a + b * x, -40, 40)
        p = 1 / (1 + np.exp(-z))
        ga = float((p - y).sum()) + l2 * (a - a0)
        gb = float(((p - y) * x).sum()) + l2 * (b - b0)
        w = p * (1 - p)
        haa = float(w.sum()) + l2
        hab = float((w * x).sum())
        hbb = float((w * x * x).sum()) + l2
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a -= da
        b -= db
        if abs(da) < 1e-8 and abs(db) < 1e-8:
            break
    return float(a), float(max(b, 0.05))
