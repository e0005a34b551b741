"""Indicators of referrals, alternative care, detention and cross-border requests, on a small
hand-counted set over the cases of conftest.py (c1-c3 counted, c4 withdrew consent, c7 is in
Uzbekistan). Period: 2024.

Referrals (made on, service, status, status changed on):
  r1 c1 2024-02-01 health      implemented      2024-07-01
  r2 c2 2024-02-15 legal_aid   rejected         2024-03-01
  r3 c3 2024-04-01 legal_aid   not_implemented  2024-05-01
  r4 c3 2024-06-01 health      referred         2024-06-01
  r5 c4 2024-04-01 health      rejected         2024-05-01   (withdrawn: left out)
  r6 c1 2023-12-01 education   implemented      2024-01-10   (made before the period)
  r7 c7 2024-03-01 health      referred         2024-03-01   (Uzbekistan)
  -> made 4 (health 2, legal aid 2), completed 2 (r1, r6), declined 2 (r2, r3).

Placements (type, status, start, end):
  p1 c1 residential_institution active 2022-06-01  (c1 born 2020-03-01: placed at 2)
  p2 c2 foster                  active 2024-04-01
  p3 c3 immigration_detention   ended  2024-02-01 .. 2024-02-10
  p4 c2 kinship                 ended  2024-01-01 .. 2024-03-31
  p5 c4 immigration_detention   active 2024-01-01  (withdrawn: left out)
  p6 c3 parental                active 2024-03-01  (not alternative care)
  p7 c1 foster                  proposed 2024-08-01 (never started)
  -> in alternative care at the end of 2024: 2 (p1, p2); under 3 in residential: 1 (p1);
     in detention during 2024: 1 (p3), and 1 left out.

Cross-border requests (direction, type, sent or received, responded):
  x1 c1 out referral       2024-03-01  2024-03-11 (10 days)
  x2 c2 out case_transfer  2024-05-01  2024-05-05 (4 days)
  x3 c3 out referral       2024-06-01  -
  x4 -  in  referral       2024-04-01  -  (no local case: left out, no basis)
  x5 c1 out referral       draft, never sent: not a request that happened
  -> 3 requests (referral 2, transfer 1), median response 7 days.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from kinlink.care.models import Placement
from kinlink.core.models import SopProfile
from kinlink.exchange.models import CrossBorderRequest, NodeProfile, PartnerNode
from kinlink.referrals.models import Referral
from kinlink.stats import domain_facts, engine, services
from kinlink.stats import indicators as ind
from kinlink.stats.models import DomainFact

YEAR = ind.Period(date(2024, 1, 1), date(2024, 12, 31))


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 8, tzinfo=UTC)


def referral(case, actor, made, service, status, changed):
    ref = Referral.objects.create(
        case=case,
        service_type=service,
        timeframe="3d",
        due_at=_at(made),
        status=status,
        status_changed_at=_at(changed),
        reference=f"R-{uuid.uuid4().hex[:10]}",
        referred_by=actor,
    )
    Referral.objects.system("test").filter(pk=ref.pk).update(created_at=_at(made))
    return ref


def placement(case, actor, care_type, status, start, ended=None):
    return Placement.objects.create(
        case=case,
        care_type=care_type,
        status=status,
        start_on=start,
        ended_on=ended,
        reason="no_caregiver",
        created_by=actor,
    )


def request(case, partner, direction, kind, opened, responded=None, status="sent"):
    sent = _at(opened) if opened and direction == "out" else None
    received = _at(opened) if opened and direction == "in" else None
    return CrossBorderRequest.objects.create(
        ref=uuid.uuid4(),
        direction=direction,
        partner=partner,
        kind=kind,
        case=case,
        status=status,
        purpose="Tracing",
        legal_basis="consent",
        sent_at=sent,
        received_at=received,
        responded_at=_at(responded) if responded else None,
    )


@pytest.fixture
def domain(counted, world):
    c, a = counted, world.alice
    referral(c["c1"], a, date(2024, 2, 1), "health", "implemented", date(2024, 7, 1))
    referral(c["c2"], a, date(2024, 2, 15), "legal_aid", "rejected", date(2024, 3, 1))
    referral(c["c3"], a, date(2024, 4, 1), "legal_aid", "not_implemented", date(2024, 5, 1))
    referral(c["c3"], a, date(2024, 6, 1), "health", "referred", date(2024, 6, 1))
    referral(c["c4"], a, date(2024, 4, 1), "health", "rejected", date(2024, 5, 1))
    referral(c["c1"], a, date(2023, 12, 1), "education", "implemented", date(2024, 1, 10))
    referral(c["c7"], world.umid, date(2024, 3, 1), "health", "referred", date(2024, 3, 1))

    placement(c["c1"], a, "residential_institution", "active", date(2022, 6, 1))
    placement(c["c2"], a, "foster", "active", date(2024, 4, 1))
    placement(c["c3"], a, "immigration_detention", "ended", date(2024, 2, 1), date(2024, 2, 10))
    placement(c["c2"], a, "kinship", "ended", date(2024, 1, 1), date(2024, 3, 31))
    placement(c["c4"], a, "immigration_detention", "active", date(2024, 1, 1))
    placement(c["c3"], a, "parental", "active", date(2024, 3, 1))
    placement(c["c1"], a, "foster", "proposed", date(2024, 8, 1))

    NodeProfile.objects.create(
        node_id="kz.test", country="KZ", agency="KZ", endpoint="https://kz.example"
    )
    partner = PartnerNode.objects.create(
        node_id="uz.test",
        country="UZ",
        agency="UZ",
        endpoint="https://uz.example",
        jwks={"keys": []},
        fingerprint="x",
    )
    request(c["c1"], partner, "out", "referral", date(2024, 3, 1), date(2024, 3, 11))
    request(c["c2"], partner, "out", "case_transfer", date(2024, 5, 1), date(2024, 5, 5))
    request(c["c3"], partner, "out", "referral", date(2024, 6, 1))
    request(None, partner, "in", "referral", date(2024, 4, 1), status="received")
    request(c["c1"], partner, "out", "referral", None, status="draft")
    services.facts_refresh()
    return c


def run(indicators, breakdowns=()):
    params = engine.Parameters.from_sop(SopProfile.current())
    q = engine.Query("KZ", YEAR, tuple(indicators), tuple(breakdowns))
    return {r.indicator: r for r in domain_facts.compute_all(q, params)}, params


def cell(table, row, col="total"):
    i = [r for r, _l in table.rows].index(row)
    j = [c for c, _l in table.cols].index(col)
    return table.values[i][j]


def table(result, breakdown):
    return next(t for t in result.tables if t.breakdown == breakdown)


def test_the_refresh_builds_one_fact_per_record_with_the_case_basis(domain):
    facts = DomainFact.objects.system("test")
    assert facts.filter(source="referrals").count() == 7
    assert facts.filter(source="care").count() == 7
    assert facts.filter(source="exchange").count() == 4  # the draft never left
    p1 = facts.get(source="care", category="residential_institution")
    assert p1.age == 2 and p1.basis == "ok" and p1.sex == "female"
    assert facts.get(source="care", case_id=domain["c4"].pk).basis == "withdrawn"
    unlinked = facts.get(source="exchange", case_id=None)
    assert unlinked.basis == "no_consent" and unlinked.country == "KZ"
    assert facts.get(source="exchange", category="case_transfer").duration == 4.0


def test_referrals_by_service_type_and_status_with_the_barriers(domain):
    res, _p = run(
        ["referrals_made", "referrals_completed", "referrals_declined"],
        ["service_type", "referral_outcome"],
    )
    made = res["referrals_made"]
    assert cell(made.tables[0], "total") == 4  # r1-r4; not r6 (2023) nor r7 (Uzbekistan)
    by_service = table(made, "service_type")
    assert cell(by_service, "health", "value") == 2
    assert cell(by_service, "legal_aid", "value") == 2
    assert cell(by_service, "education", "value") == 0
    by_status = table(made, "referral_outcome")
    assert [cell(by_status, s, "value") for s in ("referred", "implemented", "rejected")] == [
        1,
        1,
        1,
    ]
    assert made.left_out == {"withdrawn": 1}  # r5

    done = res["referrals_completed"]
    assert cell(done.tables[0], "total") == 2  # r1, and r6 made in 2023 completed in 2024
    assert cell(table(done, "service_type"), "education", "value") == 1

    declined = res["referrals_declined"]
    assert cell(declined.tables[0], "total") == 2  # r2 rejected, r3 not implemented
    assert cell(table(declined, "service_type"), "legal_aid", "value") == 2
    assert cell(table(declined, "referral_outcome"), "not_implemented", "value") == 1
    assert declined.left_out == {"withdrawn": 1}


def test_alternative_care_under_threes_and_detention(domain):
    res, params = run(
        ["children_in_alternative_care", "under3_residential", "immigration_detention"],
        ["care_type"],
    )
    care = res["children_in_alternative_care"]
    assert cell(care.tables[0], "total") == 2  # p1, p2 (not the ended kinship, parental, proposed)
    by_type = table(care, "care_type")
    assert cell(by_type, "residential_institution", "value") == 1
    assert cell(by_type, "foster", "value") == 1
    assert cell(by_type, "kinship", "value") == 0

    under3 = res["under3_residential"]
    assert cell(under3.tables[0], "total") == 1
    assert cell(under3.tables[0], "0-4", "female") == 1

    detention = res["immigration_detention"]
    assert cell(detention.tables[0], "total") == 1  # p3, ended in February
    assert detention.left_out == {"withdrawn": 1}  # p5
    assert cell(table(detention, "care_type"), "immigration_detention", "value") == 1


def test_detention_is_sensitive_and_uses_the_higher_minimum(domain):
    params = engine.Parameters.from_sop(SopProfile.current())
    assert engine.threshold_for("immigration_detention", params) == params.min_cell_sensitive
    assert engine.threshold_for("children_in_alternative_care", params) == params.min_cell
    res, params = run(["immigration_detention"])
    protected = engine.protect(list(res.values()), params)[0]
    age_sex = protected.tables[0]
    flat = [
        (v, f)
        for row, frow in zip(age_sex.values, age_sex.flags, strict=True)
        for v, f in zip(row, frow, strict=True)
    ]
    assert all(v is None for v, f in flat if f)
    assert all(v is None or v == 0 or v >= params.min_cell_sensitive for v, _f in flat)
    assert {f for _v, f in flat} & {"primary", "withheld"}
    assert protected.left_out == {"withdrawn": None}  # below the threshold: not shown


def test_crossborder_requests_by_type_and_response_time(domain):
    res, _p = run(
        ["crossborder_requests", "crossborder_days_to_response"], ["request_type", "direction"]
    )
    xb = res["crossborder_requests"]
    assert cell(xb.tables[0], "total") == 3
    assert cell(table(xb, "request_type"), "referral", "value") == 2
    assert cell(table(xb, "request_type"), "case_transfer", "value") == 1
    assert cell(table(xb, "direction"), "out", "value") == 3
    assert xb.left_out == {"no_consent": 1}  # the unlinked inbound request
    days = res["crossborder_days_to_response"]
    assert cell(days.tables[0], "total") == 7.0  # median of 10 and 4
    assert cell(table(days, "request_type"), "case_transfer", "value") == 4.0


def test_case_and_domain_indicators_in_one_query_keep_their_own_breakdowns(domain):
    res, _p = run(["children_registered", "referrals_made"], ["nationality", "service_type"])
    assert list(res) == ["children_registered", "referrals_made"]
    assert [t.breakdown for t in res["children_registered"].tables] == [
        engine.AGE_SEX,
        "nationality",
    ]
    assert [t.breakdown for t in res["referrals_made"].tables] == [
        engine.AGE_SEX,
        "nationality",
        "service_type",
    ]
    by_nationality = table(res["referrals_made"], "nationality")
    assert cell(by_nationality, "AF", "value") == 1  # r1 (c1)
    assert cell(by_nationality, "TJ", "value") == 3  # r2, r3, r4


def test_a_release_of_domain_indicators_stores_only_protected_tables(domain, world):
    release = services.release_build(
        actor=world.stan,
        data=services.ReleaseInput(
            title="Services 2024",
            period_start=YEAR.start,
            period_end=YEAR.end,
            indicators=["referrals_made", "immigration_detention"],
            breakdowns=["service_type"],
        ),
    )
    detention = [t for t in release.tables if t["indicator"] == "immigration_detention"]
    values = [v for t in detention for row in t["values"] for v in row]
    assert all(v is None or v == 0 or v >= 10 for v in values)
    made = [t for t in release.tables if t["indicator"] == "referrals_made"]
    assert {t["breakdown"] for t in made} == {engine.AGE_SEX, "service_type"}


def test_declined_referrals_by_the_barrier_recorded(domain, world):
    from kinlink.referrals.models import Referral

    Referral.objects.system("test").filter(status="rejected").update(barrier="documents")
    services.facts_refresh()
    res, _p = run(["referrals_declined"], ["barrier"])
    by_barrier = table(res["referrals_declined"], "barrier")
    # r2 rejected (documents), r3 not implemented before barriers were coded
    assert cell(by_barrier, "documents", "value") == 1
    assert cell(by_barrier, "", "value") == 1
    assert cell(by_barrier, "capacity", "value") == 0
    assert cell(by_barrier, "total", "value") == 2
