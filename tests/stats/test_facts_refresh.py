"""The set-based fact refresh gives the same facts as the record-by-record rules it replaced.

``reference_facts`` below is the former implementation of ``facts_refresh`` (one Python pass
over the case records with ``_age`` and ``_basis``), kept here as the specification. The
records are the tricky ones: unknown, estimated and recorded ages (a recorded age newer than
the registration, a birth date after it, 29 February), consent refused, withdrawn, withdrawn
and given again, overrides pending, approved and rejected, duplicates, closed cases, times
with microseconds and near midnight UTC, several assessments, plans and reunifications.
"""

from __future__ import annotations

import random
import statistics
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from kinlink.cases import choices as c
from kinlink.cases.models import Assessment, Case, CasePlan, Child, Consent
from kinlink.core.models import SopProfile
from kinlink.stats import engine, sdc, services
from kinlink.stats import indicators as ind
from kinlink.stats.models import Basis, CaseFact, FactsRefresh
from kinlink.tracing.models import Reunification, Verification

from ..conftest import register

FIELDS = [
    f.name for f in CaseFact._meta.concrete_fields if f.name != "case_id"
]  # every fact column


def reference_facts() -> dict:
    """The facts as the former per-record implementation computed them."""
    reason = "test"
    first_assessment: dict = {}
    for case_id, at in (
        Assessment.objects.system(reason)
        .filter(kind=c.AssessmentKind.INITIAL, completed_at__isnull=False)
        .values_list("case_id", "completed_at")
    ):
        first_assessment[case_id] = min(first_assessment.get(case_id, at), at)
    plan: dict = {}
    for case_id, at in CasePlan.objects.system(reason).values_list("case_id", "approved_at"):
        if at is not None:
            plan[case_id] = min(plan.get(case_id, at), at)
    reunified: dict = {}
    for case_id, on in Reunification.objects.system(reason).values_list("case_id", "reunified_on"):
        reunified[case_id] = min(reunified.get(case_id, on), on)
    consents: dict = {}
    for case_id, *rest in Consent.objects.system(reason).values_list(
        "case_id", "for_reporting", "withdrawn_at", "override_basis", "override_state"
    ):
        consents.setdefault(case_id, []).append(tuple(rest))
    out = {}
    for case in Case.objects.system(reason).select_related("child", "agency", "office"):
        ch = case.child
        registered = case.registered_at.astimezone(UTC)
        identified = case.identified_at
        assessed, planned = first_assessment.get(case.pk), plan.get(case.pk)
        reunion, separated = reunified.get(case.pk), case.separation_date
        nationalities = ch.nationalities
        out[case.pk] = {
            "country": case.agency.country,
            "admin_area": case.office.admin_area or "",
            "city": case.office.city or "",
            "basis": services._basis(case.status, consents.get(case.pk, [])),
            "status": case.status,
            "stage": case.stage,
            "risk_level": case.risk_level,
            "identified_at": identified,
            "registered_on": registered.date(),
            "closed_on": case.closed_at.astimezone(UTC).date() if case.closed_at else None,
            "age": services._age(
                ch.date_of_birth, ch.age_years, ch.age_recorded_on, registered.date()
            ),
            "sex": ch.sex,
            "nationality": (nationalities or [""])[0][:2] if nationalities else "",
            "migratory_status": ch.migratory_status,
            "protection_status": ch.protection_status,
            "disability": ch.disability,
            "birth_registration": ch.birth_registration,
            "statelessness_risk": ch.statelessness_risk,
            "hours_to_first_assessment": (
                (assessed - identified).total_seconds() / 3600 if assessed else None
            ),
            "days_to_case_plan": (
                (planned - identified).total_seconds() / 86400 if planned else None
            ),
            "separation_date": separated,
            "reunified_on": reunion,
            "days_to_reunification": (
                float((reunion - separated).days) if reunion and separated else None
            ),
        }
    return out


def facts() -> dict:
    return {
        f.case_id: {name: getattr(f, name) for name in FIELDS}
        for f in CaseFact.objects.system("test")
    }


def at(d: date, h=8, m=0, s=0, us=0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, s, us, tzinfo=UTC)


def case_with(actor, *, registered: datetime, identified: datetime | None = None, **child):
    case = register(actor, given="Bench", family=str(registered.timestamp()))
    Child.objects.system("test").filter(pk=case.child_id).update(**child)
    Case.objects.system("test").filter(pk=case.pk).update(
        registered_at=registered, identified_at=identified or registered
    )
    return case


def consent(actor, case, *, reporting=True, withdrawn=None, basis="", state=""):
    Consent.objects.create(
        case=case,
        given_by=c.ConsentGiver.CASEWORKER if basis else c.ConsentGiver.CAREGIVER,
        kind=c.ConsentKind.CONSENT,
        given_on=date(2024, 1, 1),
        for_reporting=reporting,
        withdrawn_at=withdrawn,
        override_basis=basis,
        override_state=state,
        recorded_by=actor,
    )


@pytest.fixture
def tricky(world):
    a = world.alice
    day = date(2024, 3, 1)
    world.almaty.admin_area = "Almaty"
    world.almaty.save()
    cases = {}
    # ages
    cases["leap"] = case_with(
        a, registered=at(date(2025, 2, 28)), date_of_birth=date(2012, 2, 29)
    )  # 12 (birthday not reached)
    cases["birthday"] = case_with(
        a, registered=at(date(2025, 3, 1)), date_of_birth=date(2012, 2, 29)
    )  # 13
    cases["born_later"] = case_with(a, registered=at(day), date_of_birth=date(2024, 6, 1))  # no age
    cases["estimated_dob"] = case_with(
        a, registered=at(day), date_of_birth=date(2010, 1, 1), date_of_birth_estimated=True
    )
    cases["age_recorded_before"] = case_with(
        a,
        registered=at(day),
        date_of_birth=None,
        age_years=12,
        age_recorded_on=day - timedelta(days=800),
        age_estimated=True,
    )  # 12 + 2
    cases["age_recorded_after"] = case_with(
        a,
        registered=at(day),
        date_of_birth=None,
        age_years=0,
        age_recorded_on=day + timedelta(days=1),
    )  # max(0, 0 + (-1 // 365)) = 0
    cases["age_recorded_long_after"] = case_with(
        a,
        registered=at(day),
        date_of_birth=None,
        age_years=9,
        age_recorded_on=day + timedelta(days=366),
    )  # 9 + (-366 // 365) = 7
    cases["age_without_day"] = case_with(
        a, registered=at(day), date_of_birth=None, age_years=15, age_estimated=True
    )
    cases["unknown_age"] = case_with(a, registered=at(day), date_of_birth=None)
    # nationality and place
    cases["no_nationality"] = case_with(a, registered=at(day), nationalities=[])
    cases["three_letters"] = case_with(a, registered=at(day), nationalities=["AFG", "UZ"])
    cases["astana"] = register(world.olga, given="Other", family="Office")  # no admin area
    cases["uzbekistan"] = register(world.umid, given="Other", family="Country")
    # consent for statistics
    for key in (
        "refused",
        "withdrawn",
        "withdrawn_then_given",
        "pending",
        "approved",
        "rejected",
        "none",
        "duplicate",
        "closed",
    ):
        cases[key] = case_with(a, registered=at(day, 23, 59, 59, 500000))
    withdrawn = at(day) + timedelta(days=3)
    consent(a, cases["refused"], reporting=False)
    consent(a, cases["withdrawn"], withdrawn=withdrawn)
    consent(a, cases["withdrawn_then_given"], withdrawn=withdrawn)
    consent(a, cases["withdrawn_then_given"])
    consent(a, cases["pending"], basis="best_interests", state="pending")
    consent(a, cases["approved"], basis="vital_interest", state="approved")
    consent(a, cases["rejected"], basis="best_interests", state="rejected")
    consent(a, cases["duplicate"])
    consent(a, cases["closed"])
    for key in ("leap", "birthday", "estimated_dob", "age_recorded_before", "no_nationality"):
        consent(a, cases[key])
    Case.objects.system("test").filter(pk=cases["duplicate"].pk).update(
        status=c.CaseStatus.DUPLICATE, closed_at=at(day, 12)
    )
    Case.objects.system("test").filter(pk=cases["closed"].pk).update(
        status=c.CaseStatus.CLOSED, stage=c.Stage.CLOSED, closed_at=at(date(2024, 9, 30), 23, 30)
    )
    # durations, with microseconds; the first of several records counts
    timed = case_with(
        a,
        registered=at(day, 10, 0, 0, 250000),
        identified=at(day, 7, 15, 30, 123456),
    )
    cases["timed"] = timed
    consent(a, timed)
    Assessment.objects.system("test").filter(case=timed).update(
        kind=c.AssessmentKind.INITIAL, completed_at=at(day, 19, 0, 1, 999999)
    )
    Assessment.objects.create(
        case=timed,
        kind=c.AssessmentKind.INITIAL,
        completed_at=at(day + timedelta(days=2), 9),
        author=a,
    )
    Assessment.objects.create(
        case=timed,
        kind=c.AssessmentKind.COMPREHENSIVE,
        completed_at=at(day, 7, 30),  # earlier, but not an initial assessment
        author=a,
    )
    Assessment.objects.create(case=timed, kind=c.AssessmentKind.INITIAL, author=a)  # not done
    CasePlan.objects.create(
        case=timed, version=1, approved_at=at(day + timedelta(days=20), 11), author=a
    )
    CasePlan.objects.create(
        case=timed, version=2, approved_at=at(day + timedelta(days=9), 16, 1, 2, 3), author=a
    )
    CasePlan.objects.create(case=timed, version=3, author=a)  # not approved
    Case.objects.system("test").filter(pk=timed.pk).update(separation_date=date(2023, 11, 5))
    for on in (date(2024, 8, 1), date(2024, 7, 15)):
        v = Verification.objects.create(
            case=timed, adult_name="Aunt", relationship="aunt_uncle", author=a
        )
        Reunification.objects.create(
            case=timed,
            verification=v,
            adult_name="Aunt",
            relationship="aunt_uncle",
            place="Almaty",
            reunified_on=on,
            kind="case_by_case",
            author=a,
        )
    # reunified, date of separation unknown
    v = Verification.objects.create(
        case=cases["closed"], adult_name="Father", relationship="father", author=a
    )
    Reunification.objects.create(
        case=cases["closed"],
        verification=v,
        adult_name="Father",
        relationship="father",
        place="Almaty",
        reunified_on=date(2024, 9, 1),
        kind="spontaneous",
        author=a,
    )
    return cases


def test_the_refresh_gives_the_facts_of_the_record_by_record_rules(tricky):
    rows = services.facts_refresh()
    expected = reference_facts()
    got = facts()
    assert rows == len(expected) == len(got) == Case.objects.system("test").count()
    assert set(got) == set(expected)
    for case_id, want in expected.items():
        assert got[case_id] == want, case_id
    assert FactsRefresh.objects.get(pk=1).rows == rows


def test_the_tricky_records_have_the_facts_a_reader_expects(tricky):
    services.facts_refresh()
    got = facts()
    t = {key: got[case.pk] for key, case in tricky.items()}
    assert t["leap"]["age"] == 12 and t["birthday"]["age"] == 13
    assert t["born_later"]["age"] is None and t["unknown_age"]["age"] is None
    assert t["estimated_dob"]["age"] == 14
    assert t["age_recorded_before"]["age"] == 14
    assert t["age_recorded_after"]["age"] == 0
    assert t["age_recorded_long_after"]["age"] == 7
    assert t["age_without_day"]["age"] == 15
    assert t["no_nationality"]["nationality"] == ""
    assert t["three_letters"]["nationality"] == "AF"
    assert t["astana"]["admin_area"] == "" and t["astana"]["city"] == "Astana"
    assert t["uzbekistan"]["country"] == "UZ"
    assert t["leap"]["admin_area"] == "Almaty"
    basis = {key: t[key]["basis"] for key in t}
    assert basis["refused"] == Basis.NO_CONSENT
    assert basis["none"] == Basis.NO_CONSENT
    assert basis["withdrawn"] == Basis.WITHDRAWN
    assert basis["withdrawn_then_given"] == Basis.OK
    assert basis["pending"] == Basis.PENDING
    assert basis["rejected"] == Basis.PENDING
    assert basis["approved"] == Basis.OK
    assert basis["duplicate"] == Basis.DUPLICATE
    assert basis["closed"] == Basis.OK
    # the UTC date of a time just before midnight
    assert t["closed"]["registered_on"] == date(2024, 3, 1)
    assert t["closed"]["closed_on"] == date(2024, 9, 30)
    assert t["closed"]["reunified_on"] == date(2024, 9, 1)
    assert t["closed"]["days_to_reunification"] is None  # separation date unknown
    timed = t["timed"]
    # 07:15:30.123456 -> 19:00:01.999999 the same day
    assert timed["hours_to_first_assessment"] == pytest.approx(
        (11 * 3600 + 44 * 60 + 31.876543) / 3600, abs=1e-9
    )
    assert timed["days_to_case_plan"] == pytest.approx(
        (9 * 86400 + 8 * 3600 + 45 * 60 + 31.876547) / 86400, abs=1e-9
    )
    assert timed["reunified_on"] == date(2024, 7, 15)
    assert timed["days_to_reunification"] == 253.0
    assert t["leap"]["hours_to_first_assessment"] is None
    assert t["leap"]["days_to_case_plan"] is None


def test_a_second_refresh_replaces_the_facts_and_follows_changes(tricky):
    services.facts_refresh()
    first = facts()
    assert services.facts_refresh() == len(first)
    assert facts() == first  # idempotent: nothing added, nothing stale
    case = tricky["pending"]
    Consent.objects.system("test").filter(case=case).update(override_state="approved")
    Case.objects.system("test").filter(pk=case.pk).update(
        status=c.CaseStatus.CLOSED, closed_at=at(date(2024, 5, 2), 0, 0, 1)
    )
    services.facts_refresh()
    again = facts()
    assert again[case.pk]["basis"] == Basis.OK
    assert again[case.pk]["closed_on"] == date(2024, 5, 2)
    assert again == reference_facts()


# ----------------------------------------------------------------------- the queries
# ``engine.compute`` reads the facts in one pass (GROUPING SETS and percentiles on
# PostgreSQL, one read grouped with numpy on SQLite). It must give the tables of the plain
# per-table queries it replaced, written out here with the ORM and ``statistics.median``.


def reference_compute(q: engine.Query, params: engine.Parameters) -> list[dict]:
    bands = ind.age_bands(params.age_bands)

    def band(age):
        for lo, hi, label in bands:
            if age is not None and lo <= age <= hi:
                return label
        return "unknown"

    age_rows = [label for _lo, _hi, label in bands] + ["unknown"]
    sexes = [str(k) for k, _v in ind.SEX]
    base = CaseFact.objects.system("test").filter(country=q.country)
    if q.area:
        base = base.filter(admin_area=q.area)
    wanted = [ind.get(code) for code in q.indicators]
    field_of = {d: engine._dim_field(q, d) for d in q.breakdowns}
    out = []
    seen = {d: set() for d in q.breakdowns}
    rows_of = {}
    for i in wanted:
        rows = list(base.filter(i.condition(q.period), basis=Basis.OK))
        if i.kind == "median":
            rows = [r for r in rows if getattr(r, i.value_field) is not None]
        rows_of[i.code] = rows
        if i.kind == "count":
            for d, f in field_of.items():
                seen[d] |= {getattr(r, f) for r in rows}
    for i in wanted:
        rows = rows_of[i.code]
        left = base.exclude(basis=Basis.OK).filter(i.condition(q.period))
        if i.kind == "median":
            left = left.filter(**{f"{i.value_field}__isnull": False})
        left_out = {}
        for r in left:
            left_out[r.basis] = left_out.get(r.basis, 0) + 1
        tables = []
        if i.kind == "count":
            grid = [
                [sum(1 for r in rows if band(r.age) == b and r.sex == s) for s in sexes]
                for b in age_rows
            ]
            tables.append((engine.AGE_SEX, sdc.with_margins(grid), None))
            for d, f in field_of.items():
                labels = engine._labels(ind.DIMENSIONS[d], seen[d])
                vals = [sum(1 for r in rows if getattr(r, f) == k) for k, _l in labels]
                tables.append((d, [[v] for v in vals] + [[sum(vals)]], None))
        else:

            def med(sel, i=i):
                vals = [getattr(r, i.value_field) for r in sel]
                return (round(float(statistics.median(vals)), 1) if vals else None, len(vals))

            cells = [
                [
                    med(
                        [
                            r
                            for r in rows
                            if (b == "total" or band(r.age) == b) and (s == "total" or r.sex == s)
                        ]
                    )
                    for s in [*sexes, "total"]
                ]
                for b in [*age_rows, "total"]
            ]
            tables.append(
                (
                    engine.AGE_SEX,
                    [[v for v, _n in row] for row in cells],
                    [[n for _v, n in row] for row in cells],
                )
            )
            for d, f in field_of.items():
                labels = engine._labels(ind.DIMENSIONS[d], {getattr(r, f) for r in rows})
                cells = [med([r for r in rows if getattr(r, f) == k]) for k, _l in labels]
                cells.append(med(rows))
                tables.append((d, [[v] for v, _n in cells], [[n] for _v, n in cells]))
        out.append({"indicator": i.code, "left_out": left_out, "tables": tables})
    return out


@pytest.fixture
def many_facts(db):
    """400 fact rows drawn at random (seeded): ties, even and odd groups, unknown ages."""
    rng = random.Random(6)
    facts = []
    for _n in range(400):
        registered = date(2023, 6, 1) + timedelta(days=rng.randrange(900))
        closed = registered + timedelta(days=rng.randrange(400)) if rng.random() < 0.5 else None
        separated = registered - timedelta(days=rng.randrange(300)) if rng.random() < 0.6 else None
        reunified = registered + timedelta(days=rng.randrange(200)) if rng.random() < 0.3 else None
        facts.append(
            CaseFact(
                case_id=uuid.UUID(int=rng.getrandbits(128)),
                country=rng.choice(["KZ", "KZ", "KZ", "UZ"]),
                admin_area=rng.choice(["Almaty", "Astana", ""]),
                city=rng.choice(["Almaty", "Astana", "Konaev"]),
                basis=rng.choice([Basis.OK] * 6 + list(Basis.values)),
                status=rng.choice(["open", "closed"]),
                stage=rng.choice(list(c.Stage.values)),
                risk_level=rng.choice(list(c.RiskLevel.values)),
                identified_at=datetime(
                    registered.year, registered.month, registered.day, tzinfo=UTC
                )
                - timedelta(minutes=rng.choice([0, 1, 30, 600, 1440])),
                registered_on=registered,
                closed_on=closed,
                age=rng.choice([None, *range(18), 18, 30]),
                sex=rng.choice(list(c.Sex.values)),
                nationality=rng.choice(["AF", "UZ", "TJ", ""]),
                migratory_status=rng.choice(list(c.MigratoryStatus.values)),
                protection_status=rng.choice(list(c.ProtectionStatus.values)),
                disability=rng.choice(list(c.Disability.values)),
                birth_registration=rng.choice(list(c.BirthRegistration.values)),
                statelessness_risk=rng.random() < 0.2,
                hours_to_first_assessment=rng.choice([None, 1.0, 2.5, 24.0, 0.1, 48.25, 7.3]),
                days_to_case_plan=rng.choice([None, 3.0, 14.5, 0.15, 30.05]),
                separation_date=separated,
                reunified_on=reunified,
                days_to_reunification=(
                    float((reunified - separated).days) if reunified and separated else None
                ),
            )
        )
    CaseFact.objects.bulk_create(facts)


@pytest.mark.parametrize(
    "level,area",
    [(0, ""), (1, ""), (1, "Almaty")],
)
def test_compute_gives_the_tables_of_the_per_table_queries(many_facts, level, area):
    params = engine.Parameters.from_sop(SopProfile.current())
    codes = tuple(code for code, i in ind.REGISTRY.items() if i.source == "cases")
    dims = tuple(
        d
        for d, dim in ind.DIMENSIONS.items()
        if not getattr(dim, "sources", ()) or "cases" in dim.sources
    )
    for period in (
        ind.Period(date(2024, 1, 1), date(2024, 12, 31)),
        ind.Period(date(2025, 3, 1), date(2025, 3, 31)),
    ):
        q = engine.Query("KZ", period, codes, dims, geography_level=level, area=area)
        got = engine.compute(q, params)
        want = reference_compute(q, params)
        assert [r.indicator for r in got] == [w["indicator"] for w in want]
        for res, ref in zip(got, want, strict=True):
            assert res.left_out == ref["left_out"], res.indicator
            assert [(t.breakdown, t.values, t.counts) for t in res.tables] == ref["tables"], (
                res.indicator
            )
    assert any(t.values[-1][-1] for r in got for t in r.tables)  # not all empty


# ----------------------------------------------------------------------- the scheduled refresh


def test_the_facts_are_refreshed_by_a_daily_job(tricky):
    from kinlink.core import scheduler
    from kinlink.stats.tasks import refresh_facts

    job = next(j for j in scheduler.JOBS if j.task == "kinlink.stats.tasks.refresh_facts")
    assert job.every == timedelta(hours=24)
    assert not CaseFact.objects.system("test").exists()
    now = datetime(2026, 1, 5, 2, tzinfo=UTC)
    assert "stats.refresh_facts" in scheduler.run_due(now)  # the test backend runs it at once
    assert CaseFact.objects.system("test").count() == Case.objects.system("test").count()
    first = FactsRefresh.objects.get(pk=1).refreshed_at
    assert "stats.refresh_facts" not in scheduler.run_due(now + timedelta(hours=23))
    assert FactsRefresh.objects.get(pk=1).refreshed_at == first
    assert "stats.refresh_facts" in scheduler.run_due(now + timedelta(hours=24))
    # and on demand
    Case.objects.system("test").filter(pk=tricky["none"].pk).update(stage=c.Stage.ASSESSMENT)
    result = refresh_facts.enqueue()
    assert result.return_value == Case.objects.system("test").count()
    assert CaseFact.objects.system("test").get(case_id=tricky["none"].pk).stage == "assessment"


def test_the_refresh_button_queues_the_task_and_is_audited(world, login):
    from django.urls import reverse

    from kinlink.core.models import AuditEvent

    register(world.alice)
    client = login(world.stan)
    assert client.post(reverse("stats:refresh"), {"confirm": "0"}).status_code == 302
    assert not CaseFact.objects.system("t").exists()  # not confirmed: nothing
    response = client.post(reverse("stats:refresh"), {"confirm": "1"})
    assert response.status_code == 302
    # the test settings run tasks at once; in production the worker does
    assert CaseFact.objects.system("t").count() == 1
    assert AuditEvent.objects.filter(
        object_type="stats.casefact", detail__refresh="queued", actor=world.stan
    ).exists()
