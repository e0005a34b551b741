"""The survey estimator against independent implementations.

1. Simple random sampling: the linearised variance of a proportion must equal the textbook
   formula p(1 - p)/(n - 1) (with-replacement, no finite population correction).
2. A stratified cluster sample: the linearised standard error is compared with a delete-one-PSU
   jackknife (JKn) written here from scratch with pandas; the two are asymptotically equivalent
   (Wolter 2007, 4.6 and 6.11) and agree closely with many PSUs per stratum.
3. A hand-computed stratified cluster example (every step below).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kinlink.stats import survey


def test_srs_proportion_matches_the_textbook_formula():
    y = np.array([1] * 30 + [0] * 70)
    est = survey.proportion(survey.Design.of(np.ones(100)), y)
    assert est.estimate == pytest.approx(0.30)
    assert est.se == pytest.approx(math.sqrt(0.3 * 0.7 / 99))
    assert est.df == 99
    assert est.ci_low == pytest.approx(0.30 - 2.000 * est.se)  # t(99): the df-60 row, conservative
    assert not est.imprecise


def jackknife_se(df: pd.DataFrame, estimator) -> float:
    """JKn: drop one PSU at a time, re-weight its stratum by n_h/(n_h - 1)."""
    full = estimator(df)
    var = 0.0
    for h, stratum in df.groupby("stratum"):
        psus = stratum["psu"].unique()
        nh = len(psus)
        for psu in psus:
            rep = df.copy()
            in_h = rep["stratum"] == h
            rep.loc[in_h & (rep["psu"] == psu), "w"] = 0.0
            rep.loc[in_h & (rep["psu"] != psu), "w"] *= nh / (nh - 1)
            var += (nh - 1) / nh * (estimator(rep) - full) ** 2
    return math.sqrt(var)


@pytest.fixture
def household_sample():
    """Children in a two-stage sample: 4 regions (strata), 30 villages each, 8 children per
    village; 'parent_abroad' is more common in some regions and clustered by village."""
    rng = np.random.default_rng(20181)
    rows = []
    for h, base in enumerate([0.08, 0.12, 0.18, 0.14]):
        for v in range(30):
            village_p = min(0.9, max(0.0, rng.normal(base, 0.06)))
            weight = rng.uniform(50, 400)
            for _child in range(8):
                rows.append(
                    {
                        "stratum": f"R{h}",
                        "psu": f"R{h}-V{v}",
                        "w": weight * rng.uniform(0.8, 1.2),
                        "abroad": int(rng.random() < village_p),
                        "both": int(rng.random() < village_p / 3),
                        "girl": int(rng.random() < 0.5),
                    }
                )
    return pd.DataFrame(rows)


def test_stratified_cluster_proportion_agrees_with_jackknife(household_sample):
    df = household_sample
    design = survey.Design.of(df["w"], df["stratum"], df["psu"])
    est = survey.proportion(design, df["abroad"])

    def ratio(d):
        return (d["w"] * d["abroad"]).sum() / d["w"].sum()

    assert est.estimate == pytest.approx(ratio(df))
    assert est.se == pytest.approx(jackknife_se(df, ratio), rel=0.03)
    assert est.df == 120 - 4


def test_domain_proportion_and_total_agree_with_jackknife(household_sample):
    df = household_sample
    design = survey.Design.of(df["w"], df["stratum"], df["psu"])
    girls = survey.proportion(design, df["both"], domain=df["girl"])

    def ratio(d):
        return (d["w"] * d["both"] * d["girl"]).sum() / (d["w"] * d["girl"]).sum()

    assert girls.estimate == pytest.approx(ratio(df))
    assert girls.se == pytest.approx(jackknife_se(df, ratio), rel=0.03)

    number = survey.total(design, df["abroad"])

    def tot(d):
        return (d["w"] * d["abroad"]).sum()

    assert number.estimate == pytest.approx(tot(df))
    # for a linear statistic JKn and linearisation are identical
    assert number.se == pytest.approx(jackknife_se(df, tot), rel=1e-9)


def test_hand_computed_example():
    """Two strata, two PSUs each, equal weights of 10.

    Stratum A: PSU a1 = (1, 0), a2 = (1, 1); stratum B: b1 = (0, 0), b2 = (0, 1).
    R = (10*4) / (10*8) = 0.5. z_i = 10 (y_i - 0.5) / 80: +1/16 for y=1, -1/16 for y=0.
    PSU totals: a1 = 0, a2 = 1/8 (mean 1/16); b1 = -1/8, b2 = 0 (mean -1/16).
    v = 2/1 * [(1/16)^2 * 2] * 2 strata = 4 * 2/256 = 1/32; se = 0.1768; df = 4 - 2 = 2.
    """
    y = [1, 0, 1, 1, 0, 0, 0, 1]
    strata = ["A"] * 4 + ["B"] * 4
    psu = ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2"]
    est = survey.proportion(survey.Design.of([10] * 8, strata, psu), y)
    assert est.estimate == 0.5
    assert est.se == pytest.approx(math.sqrt(1 / 32))
    assert est.df == 2
    assert est.ci_low == 0.0  # 0.5 - 4.303 * 0.177 is below 0: clipped
    assert est.imprecise  # cv = 0.35 > 0.30


def test_imprecise_and_singleton_strata_are_flagged():
    est = survey.proportion(
        survey.Design.of([1, 1, 1], ["A", "A", "B"], ["1", "2", "3"]), [1, 0, 0]
    )
    assert est.singleton_strata == 1
    assert est.imprecise


def test_bad_input_is_refused():
    with pytest.raises(survey.SurveyError):
        survey.Design.of([1, -2])
    with pytest.raises(survey.SurveyError):
        survey.proportion(survey.Design.of([1, 1]), [1, 0], domain=[0, 0])


def test_reads_csv_and_xlsx():
    header, rows = survey.read_table("s.csv", b"w;stratum\n1.5;A\n2;B\n")
    assert header == ["w", "stratum"]
    assert list(survey.column(rows, "w", numeric=True)) == [1.5, 2.0]
    with pytest.raises(survey.SurveyError):
        survey.column(rows, "stratum", numeric=True)
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["w", "abroad"])
    book.active.append([2, 1])
    buf = BytesIO()
    book.save(buf)
    header, rows = survey.read_table("s.xlsx", buf.getvalue())
    assert rows == [{"w": "2", "abroad": "1"}]
