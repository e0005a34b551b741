"""Every indicator on the hand-counted data set of conftest.py, and the consent filter."""

from __future__ import annotations

from datetime import date

import pytest

from kinlink.core.models import SopProfile
from kinlink.stats import engine, services
from kinlink.stats import indicators as ind
from kinlink.stats.models import CaseFact

YEAR = ind.Period(date(2024, 1, 1), date(2024, 12, 31))


def run(indicators, breakdowns=(), **kw):
    params = engine.Parameters.from_sop(SopProfile.current())
    q = engine.Query("KZ", YEAR, tuple(indicators), tuple(breakdowns), **kw)
    return {r.indicator: r for r in engine.compute(q, params)}, params


def cell(table, row, col="total"):
    i = [r for r, _l in table.rows].index(row)
    j = [c for c, _l in table.cols].index(col)
    return table.values[i][j]


@pytest.fixture
def facts(counted):
    services.facts_refresh()
    return counted


def test_facts_hold_the_consent_basis_and_ages(facts):
    got = {f.case_id: f for f in CaseFact.objects.system("test")}
    c = facts
    assert got[c["c1"].pk].age == 4 and got[c["c1"].pk].basis == "ok"
    assert got[c["c3"].pk].age == 16
    assert got[c["c4"].pk].basis == "withdrawn"
    assert got[c["c5"].pk].basis == "no_consent"
    assert got[c["c8"].pk].basis == "basis_pending"
    assert got[c["c7"].pk].country == "UZ"


def test_children_registered_by_age_band_and_sex(facts):
    res, _p = run(["children_registered"], ["nationality", "protection_status"])
    r = res["children_registered"]
    age_sex = r.tables[0]
    assert age_sex.breakdown == engine.AGE_SEX
    assert cell(age_sex, "0-4", "female") == 1
    assert cell(age_sex, "5-9", "male") == 1
    assert cell(age_sex, "15-17", "male") == 1
    assert cell(age_sex, "10-14") == 0  # c4 withdrew consent
    assert cell(age_sex, "total", "male") == 2
    assert cell(age_sex, "total") == 3  # c1, c2, c3 (not c6: 2023; not c7: Uzbekistan)
    nat = r.tables[1]
    assert cell(nat, "AF", "value") == 1 and cell(nat, "TJ", "value") == 2
    assert cell(r.tables[2], "unaccompanied", "value") == 3
    # left out, and why
    assert r.left_out == {"withdrawn": 1, "no_consent": 1, "basis_pending": 1}


def test_open_cases_stock_at_period_end(facts):
    res, _p = run(["cases_open"], ["stage", "risk_level"])
    r = res["cases_open"]
    assert cell(r.tables[0], "total") == 4  # c1, c2, c3 and c6 (registered in 2023)
    assert cell(r.tables[0], "5-9", "female") == 1  # c6, 7 at registration
    assert cell(r.tables[1], "registered", "value") == 4
    assert cell(r.tables[2], "high", "value") == 4


def test_durations_and_reunification(facts):
    res, _p = run(
        ["hours_to_first_assessment", "reunifications", "days_to_reunification"],
        ["protection_status"],
    )
    first = res["hours_to_first_assessment"].tables[0]
    assert first.kind == "median"
    assert cell(first, "total") == 24.0  # 12, 24, 48
    assert cell(first, "total", "male") == 30.0  # 12 and 48
    assert first.counts[-1][-1] == 3
    assert cell(res["reunifications"].tables[0], "total") == 1  # c2; c4 left out
    assert res["reunifications"].left_out == {"withdrawn": 1}
    assert cell(res["days_to_reunification"].tables[0], "total") == 60.0


def test_statelessness_and_birth_registration(facts):
    res, _p = run(["statelessness_risk", "birth_not_registered", "days_to_case_plan"])
    assert cell(res["statelessness_risk"].tables[0], "15-17", "male") == 1
    assert cell(res["statelessness_risk"].tables[0], "total") == 1
    assert cell(res["birth_not_registered"].tables[0], "total") == 1
    assert cell(res["days_to_case_plan"].tables[0], "total") is None  # no approved plan


def test_area_filter_and_geography_level(facts, world):
    world.almaty.admin_area = "Almaty region"
    world.almaty.save()
    services.facts_refresh()
    res, _p = run(["children_registered"], ["area"], geography_level=1)
    assert cell(res["children_registered"].tables[1], "Almaty region", "value") == 3
    res, _p = run(["cases_open"], area="Almaty region", geography_level=1)
    assert cell(res["cases_open"].tables[0], "total") == 3  # not c6 (Shymkent)
    with pytest.raises(ValueError):
        run(["cases_open"], geography_level=2)  # below the configured level 1


def test_protection_with_default_thresholds_withholds_tiny_tables(facts):
    res, params = run(["children_registered"], ["nationality"])
    protected = engine.protect(list(res.values()), params)[0]
    assert protected.withheld  # grand total 3 < 5
    for table in protected.tables:
        assert all(v is None for row in table.values for v in row)
    assert protected.left_out == {"withdrawn": None, "no_consent": None, "basis_pending": None}


def test_protection_publishes_everything_when_no_cell_is_small(facts):
    sop = SopProfile.current()
    sop.stats_min_cell = 1
    sop.save()
    res, params = run(["children_registered"])
    protected = engine.protect(list(res.values()), params)[0]
    assert not protected.withheld
    assert cell(protected.tables[0], "total") == 3


def test_age_bands_come_from_the_sop_profile(facts):
    sop = SopProfile.current()
    sop.stats_age_bands = "0-5,6-11,12-17"
    sop.save()
    res, _p = run(["children_registered"])
    t = res["children_registered"].tables[0]
    assert [r for r, _l in t.rows] == ["0-5", "6-11", "12-17", "unknown", "total"]
    assert cell(t, "12-17") == 1 and cell(t, "6-11") == 1 and cell(t, "0-5") == 1


def test_bad_age_bands_are_refused():
    with pytest.raises(ValueError):
        ind.age_bands("0-4,3-9")
    with pytest.raises(ValueError):
        ind.age_bands("0-x")


def test_registry_refuses_a_duplicate_code():
    with pytest.raises(ValueError):
        ind.register(ind.get("children_registered"))
