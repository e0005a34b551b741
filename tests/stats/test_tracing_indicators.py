"""Tracing indicators on a small hand-counted set over the cases of conftest.py (c1, c2
counted, c4 withdrew consent). Period: 2024.

Children sought (request: enquiry date, enquirer agrees to be counted; trace: status, matched
case, resolved on, cause of separation):
  t1 A 2024-02-01 yes  open                -   -           conflict   (own data: boy, 10)
  t2 B 2024-03-01 no   matched  c1         2024-03-21  migration      (counts through c1)
  t3 B 2024-03-01 no   closed, not found   -   2024-06-01  migration  (no consent: left out)
  t4 C 2023-11-01 yes  matched  c2         2024-01-11  conflict       (asked before 2024)
  t5 D 2024-05-01 yes  reunified c4        2024-05-10  unknown        (c4 withdrew: left out)
  t6 E 2024-04-01 yes  closed, withdrawn   2024-04-15  unknown
  -> opened in 2024: t1, t2, t6 = 3 (left out: 1 no consent, 1 withdrawn);
     resolved in 2024: t2, t4 found, t6 withdrawn = 3 (same left out);
     days to finding the child: 20 (t2) and 71 (t4) -> median 45.5.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kinlink.stats import engine, services
from kinlink.stats.models import DomainFact
from kinlink.tracing.models import Trace, TracingRequest

from .test_domain_indicators import cell, table
from .test_domain_indicators import run as run_indicators


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 8, tzinfo=UTC)


def tracing_request(world, number, asked_on, agreed, *, closed_as=""):
    return TracingRequest.objects.create(
        number=number,
        agency=world.kz,
        office=world.almaty,
        owner=world.alice,
        inquiry_date=asked_on,
        enquirer_given_name="Enquirer",
        enquirer_relationship="mother",
        consent_statistics=agreed,
        status="closed" if closed_as else "open",
        closure_outcome=closed_as,
    )


def trace(req, status, cause, *, case=None, resolved=None, **child):
    TracingRequest.objects.system("test").filter(pk=req.pk).update(separation_cause=cause)
    return Trace.objects.create(
        request=req,
        given_name="Sought",
        status=status,
        matched_case=case,
        resolved_at=_at(resolved) if resolved else None,
        **child,
    )


@pytest.fixture
def traced(counted, world):
    c = counted
    a = tracing_request(world, "TR-A", date(2024, 2, 1), True)
    trace(a, "open", "conflict", sex="male", age_years=10)
    b = tracing_request(world, "TR-B", date(2024, 3, 1), False, closed_as="not_found")
    trace(b, "matched", "migration", case=c["c1"], resolved=date(2024, 3, 21))
    trace(b, "closed", "migration", resolved=date(2024, 6, 1))
    cc = tracing_request(world, "TR-C", date(2023, 11, 1), True)
    trace(cc, "matched", "conflict", case=c["c2"], resolved=date(2024, 1, 11))
    d = tracing_request(world, "TR-D", date(2024, 5, 1), True)
    trace(d, "reunified", "unknown", case=c["c4"], resolved=date(2024, 5, 10))
    e = tracing_request(world, "TR-E", date(2024, 4, 1), True, closed_as="withdrawn")
    trace(e, "closed", "unknown", resolved=date(2024, 4, 15))
    services.facts_refresh()
    return c


def test_one_fact_per_child_sought_with_the_case_or_the_enquirers_basis(traced):
    facts = DomainFact.objects.system("test").filter(source="tracing")
    assert facts.count() == 6
    own = facts.get(outcome="open")
    assert (own.basis, own.sex, own.age, own.country, own.case_id) == ("ok", "male", 10, "KZ", None)
    via_case = facts.get(case_id=traced["c1"].pk)
    assert via_case.basis == "ok" and via_case.sex == "female"  # the case's, not the request's
    assert via_case.outcome == "found" and via_case.duration == 20
    assert facts.get(outcome="not_found").basis == "no_consent"
    assert facts.get(case_id=traced["c4"].pk).basis == "withdrawn"


def test_children_sought_resolved_and_time_to_finding_them(traced):
    res, _p = run_indicators(
        ["tracing_requests_opened", "tracing_requests_resolved", "days_to_child_found"],
        ["separation_cause", "tracing_outcome"],
    )
    opened = res["tracing_requests_opened"]
    assert cell(opened.tables[0], "total") == 3
    assert cell(opened.tables[0], "5-9", "male") == 0 and cell(opened.tables[0], "10-14", "male")
    assert opened.left_out == {"no_consent": 1, "withdrawn": 1}
    by_outcome = table(opened, "tracing_outcome")
    assert [cell(by_outcome, o, "value") for o in ("open", "found", "withdrawn")] == [1, 1, 1]
    assert cell(table(opened, "separation_cause"), "conflict", "value") == 1

    resolved = res["tracing_requests_resolved"]
    assert cell(resolved.tables[0], "total") == 3  # t2, t4 (asked in 2023), t6
    assert cell(table(resolved, "tracing_outcome"), "found", "value") == 2
    assert cell(table(resolved, "tracing_outcome"), "withdrawn", "value") == 1
    assert resolved.left_out == {"no_consent": 1, "withdrawn": 1}

    days = res["days_to_child_found"]
    assert cell(days.tables[0], "total") == 45.5
    assert cell(table(days, "separation_cause"), "migration", "value") == 20


def test_tracing_breakdowns_do_not_apply_to_other_sources(traced):
    res, _p = run_indicators(["referrals_made", "tracing_requests_opened"], ["separation_cause"])
    assert [t.breakdown for t in res["referrals_made"].tables] == [engine.AGE_SEX]
    assert [t.breakdown for t in res["tracing_requests_opened"].tables] == [
        engine.AGE_SEX,
        "separation_cause",
    ]
