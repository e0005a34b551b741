"""Design-based estimates from household or school survey microdata (DOMAIN.md 6.5).

Stratified multi-stage samples with weights: proportions (ratio estimators) and totals, with
variances by Taylor linearisation under the usual "ultimate cluster" approximation (PSUs drawn
with replacement within strata; Wolter 2007, ch. 6; Lohr, *Sampling: Design and Analysis*,
2nd ed., 9.1; the default of Stata's ``svy`` and R's ``survey``). Confidence intervals use
Student's t with (PSUs - strata) degrees of freedom. An estimate whose coefficient of variation
exceeds ``max_cv`` (30 % by default, a common publication rule) is flagged as imprecise.

Pure numpy; no Django.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

# Two-sided 95 % quantiles of Student's t (df -> t_0.975).
_T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}


def t975(df: int) -> float:
    """t quantile for a 95 % interval (table values; conservative between the listed df)."""
    if df <= 0:
        return math.inf
    if df in _T975:
        return _T975[df]
    below = [d for d in _T975 if d < df]
    if df > 120:
        return 1.960
    return _T975[max(below)]


class SurveyError(ValueError):
    pass


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    n: int  # sample units in the domain (or in the sample, for totals)
    cv: float | None
    imprecise: bool
    singleton_strata: int = 0


@dataclass
class Design:
    weights: np.ndarray
    strata: np.ndarray
    clusters: np.ndarray

    @classmethod
    def of(cls, weights, strata=None, clusters=None) -> Design:
        w = np.asarray(weights, dtype=float)
        n = len(w)
        if n == 0:
            raise SurveyError("the sample is empty")
        if np.any(~np.isfinite(w)) or np.any(w < 0):
            raise SurveyError("weights must be non-negative numbers")
        s = np.asarray(strata if strata is not None else ["_"] * n).astype(str)
        c = np.asarray(clusters if clusters is not None else np.arange(n)).astype(str)
        if len(s) != n or len(c) != n:
            raise SurveyError("weights, strata and clusters must have the same length")
        return cls(w, s, c)

    def linearised_variance(self, z: np.ndarray) -> tuple[float, int, int]:
        """Variance of a total of ``z`` (already weighted); returns (v, df, singleton strata).

        PSU totals ``z_hi``; ``v = sum_h n_h/(n_h-1) sum_i (z_hi - mean_h)^2``. A stratum with
        one PSU contributes nothing and is counted (it cannot be estimated)."""
        keys = np.char.add(np.char.add(self.strata, "\x1f"), self.clusters)
        psu, inverse = np.unique(keys, return_inverse=True)
        psu_total = np.bincount(inverse, weights=z, minlength=len(psu))
        psu_stratum = np.array([k.split("\x1f", 1)[0] for k in psu])
        variance = 0.0
        singletons = 0
        strata = np.unique(psu_stratum)
        for h in strata:
            zh = psu_total[psu_stratum == h]
            nh = len(zh)
            if nh < 2:
                singletons += 1
                continue
            variance += nh / (nh - 1) * float(np.sum((zh - zh.mean()) ** 2))
        return variance, len(psu) - len(strata), singletons


def _finish(est, var, df, n, max_cv, singletons, lower=-math.inf, upper=math.inf) -> Estimate:
    se = math.sqrt(max(var, 0.0))
    half = t975(df) * se
    cv = se / abs(est) if est else None
    imprecise = cv is None or cv > max_cv or df < 1 or n < 2
    return Estimate(
        estimate=est,
        se=se,
        ci_low=max(lower, est - half),
        ci_high=min(upper, est + half),
        df=df,
        n=n,
        cv=cv,
        imprecise=imprecise,
        singleton_strata=singletons,
    )


def proportion(design: Design, y, domain=None, *, max_cv: float = 0.3) -> Estimate:
    """Weighted share of ``y`` (0/1) among the units of ``domain`` (default: all units).

    A ratio estimator R = sum w d y / sum w d with linearised values z = w d (y - R) / sum w d.
    """
    y = np.asarray(y, dtype=float)
    d = np.ones_like(y) if domain is None else np.asarray(domain, dtype=float)
    if len(y) != len(design.weights) or len(d) != len(y):
        raise SurveyError("the variable and the design have different lengths")
    wd = design.weights * d
    denom = wd.sum()
    if denom <= 0:
        raise SurveyError("no sampled units in the domain")
    ratio = float((wd * y).sum() / denom)
    z = wd * (y - ratio) / denom
    var, df, singles = design.linearised_variance(z)
    return _finish(ratio, var, df, int(d.sum()), max_cv, singles, 0.0, 1.0)


def total(design: Design, y, domain=None, *, max_cv: float = 0.3) -> Estimate:
    """Weighted total of ``y`` in ``domain`` (e.g. the number of children with a parent abroad)."""
    y = np.asarray(y, dtype=float)
    d = np.ones_like(y) if domain is None else np.asarray(domain, dtype=float)
    z = design.weights * d * y
    var, df, singles = design.linearised_variance(z)
    return _finish(float(z.sum()), var, df, int(d.sum()), max_cv, singles, 0.0)


# ----------------------------------------------------------------------- reading files


def read_table(name: str, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV (UTF-8, comma or semicolon) or XLSX file."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        if not rows:
            raise SurveyError("the file is empty")
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        return header, [
            {h: ("" if v is None else str(v)) for h, v in zip(header, r, strict=False)}
            for r in rows[1:]
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SurveyError("the CSV file is not UTF-8") from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    return [h.strip() for h in (reader.fieldnames or [])], rows


def column(rows: list[dict[str, str]], name: str, numeric: bool = False) -> np.ndarray:
    if rows and name not in rows[0]:
        raise SurveyError(f"no column {name!r}")
    values = [r.get(name, "") for r in rows]
    if not numeric:
        return np.array([v.strip() for v in values])
    try:
        return np.array([float(v) for v in values])
    except ValueError as exc:
        raise SurveyError(f"column {name!r} must hold numbers") from exc
