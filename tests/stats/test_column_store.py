"""The column store (``kinlink.stats.columns``) gives the tables of the fact table, exactly.

Facts drawn at random (seeded): several countries and areas, every basis, unknown and odd ages,
ties and even groups for the medians, times with microseconds and near midnight, cases closed
on the last day of a period. The store is built with small blocks so that queries skip some
of them. Every query is computed from the store and from the fact table (the SQL path of the
database the tests run on: GROUPING SETS and percentiles on PostgreSQL, numpy on SQLite), and
the raw tables, the protected tables (small-count suppression, rounding) and the working view
must be equal.
"""

from __future__ import annotations

import copy
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import F, Q

from kinlink.cases import choices as c
from kinlink.core.models import SopProfile
from kinlink.stats import columns, engine, services
from kinlink.stats import indicators as ind
from kinlink.stats.models import Basis, CaseFact, FactChunk, FactsRefresh

from .test_facts_refresh import tricky  # noqa: F401  (a fixture)

CASE_CODES = tuple(code for code, i in ind.REGISTRY.items() if i.source == "cases")
CASE_DIMS = tuple(
    d for d, dim in ind.DIMENSIONS.items() if not dim.sources or "cases" in dim.sources
)


def random_facts(n: int, seed: int) -> None:
    rng = random.Random(seed)
    facts = []
    for _n in range(n):
        registered = date(2023, 10, 1) + timedelta(days=rng.randrange(800))
        closed = (
            registered + timedelta(days=rng.choice([0, 1, 30, rng.randrange(500)]))
            if rng.random() < 0.5
            else None
        )
        separated = registered - timedelta(days=rng.randrange(300)) if rng.random() < 0.6 else None
        reunified = registered + timedelta(days=rng.randrange(300)) if rng.random() < 0.3 else None
        identified = datetime(
            registered.year, registered.month, registered.day, tzinfo=UTC
        ) - timedelta(
            minutes=rng.choice([0, 1, 30, 600, 1440, 4000]),
            microseconds=rng.choice([0, 0, 1, 999_999, rng.randrange(10**6)]),
        )
        facts.append(
            CaseFact(
                case_id=uuid.UUID(int=rng.getrandbits(128)),
                country=rng.choice(["KZ", "KZ", "KZ", "UZ"]),
                admin_area=rng.choice(["Almaty", "Astana", "Turkistan Region", ""]),
                city=rng.choice(["Almaty", "Astana", "Konaev", ""]),
                basis=rng.choice([Basis.OK] * 8 + list(Basis.values)),
                status=rng.choice(["open", "closed", "duplicate"]),
                stage=rng.choice(list(c.Stage.values)),
                risk_level=rng.choice(list(c.RiskLevel.values)),
                identified_at=identified,
                registered_on=registered,
                closed_on=closed,
                age=rng.choice([None, *range(18), 18, 30, 0]),
                sex=rng.choice(list(c.Sex.values)),
                nationality=rng.choice(["AF", "UZ", "TJ", "", "KZ"]),
                migratory_status=rng.choice(list(c.MigratoryStatus.values)),
                protection_status=rng.choice(list(c.ProtectionStatus.values)),
                disability=rng.choice(list(c.Disability.values)),
                birth_registration=rng.choice(list(c.BirthRegistration.values)),
                statelessness_risk=rng.random() < 0.2,
                hours_to_first_assessment=rng.choice(
                    [None, 1.0, 2.5, 24.0, 0.1, 48.25, 7.3, rng.random() * 100]
                ),
                days_to_case_plan=rng.choice([None, 3.0, 14.5, 0.15, 30.05, rng.random() * 60]),
                separation_date=separated,
                reunified_on=reunified,
                days_to_reunification=(
                    float((reunified - separated).days) if reunified and separated else None
                ),
            )
        )
    CaseFact.objects.bulk_create(facts)


def build_store(monkeypatch, chunk: int = 64) -> int:
    monkeypatch.setattr(columns, "CHUNK", chunk)
    with transaction.atomic():
        n = columns.build()
    FactsRefresh.objects.update_or_create(pk=1, defaults={"rows": n, "columns": n})
    return n


@pytest.fixture
def store(db, monkeypatch):
    random_facts(1500, seed=6)
    return build_store(monkeypatch)


def shape(results):
    return [
        (
            r.indicator,
            r.left_out,
            r.withheld,
            [(t.breakdown, t.kind, t.rows, t.cols, t.values, t.counts, t.flags) for t in r.tables],
        )
        for r in results
    ]


PERIODS = [
    ind.Period(date(2024, 1, 1), date(2024, 12, 31)),  # a year
    ind.Period(date(2024, 3, 17), date(2025, 2, 3)),  # parts of months at both ends
    ind.Period(date(2025, 6, 30), date(2025, 6, 30)),  # one day
    ind.Period(date(2023, 1, 1), date(2023, 9, 30)),  # before every record
    ind.Period(date(2030, 1, 1), date(2030, 12, 31)),  # after every record
    ind.Period(date(2020, 1, 1), date(2030, 12, 31)),  # everything
]


def queries(period):
    yield engine.Query("KZ", period, CASE_CODES, CASE_DIMS)
    yield engine.Query("KZ", period, CASE_CODES, ("area",), geography_level=1)
    yield engine.Query("KZ", period, CASE_CODES, ("area",), geography_level=2)
    yield engine.Query("KZ", period, CASE_CODES, CASE_DIMS, geography_level=1, area="Almaty")
    yield engine.Query("KZ", period, CASE_CODES, (), geography_level=1, area="")
    yield engine.Query("UZ", period, ("hours_to_first_assessment", "cases_open"), ("stage",))
    yield engine.Query("KZ", period, CASE_CODES, (), area="Nowhere")
    yield engine.Query("XX", period, ("children_registered",), ("nationality",))


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_the_store_gives_the_tables_of_the_fact_table(store, period):
    assert store == 1500
    for min_cell, rounding in ((5, 5), (3, 1), (40, 10)):
        params = engine.Parameters("0-4,5-9,10-14,15-17", min_cell, min_cell * 2, rounding, 3, 2)
        for q in queries(period):
            from_store = engine.compute(q, params, store=True)
            from_facts = engine.compute(q, params, store=False)
            assert shape(from_store) == shape(from_facts), q
            assert shape(engine.mark(copy.deepcopy(from_store), params)) == shape(
                engine.mark(copy.deepcopy(from_facts), params)
            )
            assert shape(engine.protect(from_store, params)) == shape(
                engine.protect(from_facts, params)
            )


def test_small_cells_are_suppressed_the_same_way(store):
    params = engine.Parameters("0-4,5-9,10-14,15-17", 5, 10, 5, 3, 2)
    q = engine.Query("KZ", PERIODS[1], CASE_CODES, CASE_DIMS, geography_level=1, area="Astana")
    got = engine.protect(engine.compute(q, params, store=True), params)
    want = engine.protect(engine.compute(q, params, store=False), params)
    flags = {f for r in got for t in r.tables for row in t.flags for f in row}
    assert {"primary", "secondary"} <= flags  # the data set does exercise suppression
    assert shape(got) == shape(want)


def test_other_age_bands_give_the_same_tables(store):
    params = engine.Parameters("0-2,3-17,18-20", 5, 10, 1, 3, 2)
    q = engine.Query("KZ", PERIODS[0], CASE_CODES, ("area",), geography_level=2)
    assert shape(engine.compute(q, params, store=True)) == shape(
        engine.compute(q, params, store=False)
    )


def test_blocks_of_cases_outside_the_period_are_not_read(store):
    after = ind.Period(date(2026, 1, 1), date(2026, 12, 31))
    cond = [engine._sargable(ind.get(code).condition(after)) for code in CASE_CODES]
    read = columns.read("KZ", "", {"basis", "registered_on"}, cond)
    assert read.skipped > 0 and read.chunks > 0
    everything = columns.read("KZ", "", {"basis"}, [Q()])
    assert everything.skipped == 0
    assert everything.table.n == CaseFact.objects.system("t").filter(country="KZ").count()
    early = ind.Period(date(2023, 1, 1), date(2023, 1, 31))
    cond = [engine._sargable(ind.get(code).condition(early)) for code in CASE_CODES]
    assert columns.read("KZ", "", {"basis"}, cond).chunks == 0  # nothing before October 2023


CONDITIONS = [
    Q(),
    Q(registered_on__gte=date(2024, 5, 1)),
    Q(registered_on__lt=date(2024, 5, 1), closed_on__isnull=True),
    ~Q(closed_on__gt=date(2024, 8, 31)),  # a null closure: not greater, so the negation holds
    Q(closed_on=None) | Q(closed_on__lte=date(2024, 1, 31)),
    ~Q(closed_on__isnull=False),
    Q(identified_at__gte=datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC)),
    Q(
        identified_at__lt=datetime(2024, 3, 1, tzinfo=UTC),
        identified_at__gt=datetime(2023, 1, 1, tzinfo=UTC),
    ),
    Q(age__lte=4) | Q(age__isnull=True),
    ~Q(age__gte=10),
    Q(age__in=[0, 17, 30]),
    Q(sex__in=["female", "other"], statelessness_risk=True),
    Q(nationality=""),
    ~Q(nationality__in=["AF", "UZ"]),
    Q(birth_registration=c.BirthRegistration.NOT_REGISTERED) & ~Q(basis=Basis.OK),
    Q(hours_to_first_assessment__gt=24.0),
    ~Q(days_to_case_plan__lte=3.0),
    Q(days_to_reunification__isnull=False, reunified_on__gte=date(2024, 6, 1)),
    Q(admin_area="Almaty") | Q(city="Konaev"),
    Q(country="UZ"),
    Q(status="closed", stage__in=[]),
]


@pytest.mark.parametrize("cond", CONDITIONS, ids=str)
def test_conditions_select_the_records_the_database_selects(store, cond):
    for country in ("KZ", "UZ"):
        want = CaseFact.objects.system("t").filter(country=country).filter(cond).count()
        read = columns.read(country, "", columns.fields_of(cond) | {"basis"}, [cond])
        assert int(columns.evaluate(cond, read.table).sum()) == want, country


@pytest.mark.parametrize(
    "cond",
    [
        Q(age__range=(1, 4)),
        Q(nationality__startswith="A"),
        Q(nationality__gt="A"),
        Q(age__gt=F("days_to_case_plan")),
        Q(identified_at__hour=3),
        Q(registered_on__gte=datetime(2024, 1, 1, tzinfo=UTC)),
        Q(case_id__isnull=False),
        Q(registered_on__year=2024),
    ],
    ids=str,
)
def test_a_condition_the_store_does_not_know_is_computed_from_the_fact_table(store, cond):
    code = "test_unknown_condition"
    ind.register(ind.Indicator(code, "t", "t", lambda p, cond=cond: cond))
    try:
        params = engine.Parameters("0-4,5-9,10-14,15-17", 5, 10, 5, 3, 2)
        q = engine.Query("KZ", PERIODS[0], (code, "children_registered"), ("stage",))
        with pytest.raises(columns.Unsupported):
            engine.compute(q, params, store=True)
        assert shape(engine.compute(q, params)) == shape(engine.compute(q, params, store=False))
    finally:
        del ind.REGISTRY[code]


def test_facts_written_without_a_refresh_are_read_from_the_fact_table(db):
    random_facts(50, seed=2)
    assert not columns.available()  # no refresh built a store for them
    params = engine.Parameters("0-4,5-9,10-14,15-17", 1, 1, 1, 3, 2)
    q = engine.Query("KZ", PERIODS[5], ("children_registered",), ())
    total = engine.compute(q, params)[0].tables[0].values[-1][-1]
    assert total == CaseFact.objects.system("t").filter(country="KZ", basis=Basis.OK).count()


def test_the_refresh_builds_the_store_and_the_dashboard_reads_it(tricky):  # noqa: F811
    rows = services.facts_refresh()
    info = FactsRefresh.objects.get(pk=1)
    assert info.columns == rows == CaseFact.objects.system("t").count()
    assert columns.available()
    assert sum(FactChunk.objects.system("t").values_list("rows", flat=True)) == rows
    params = engine.Parameters.from_sop(SopProfile.current())
    with pytest.raises(ValueError, match="geography"):
        engine.compute(engine.Query("KZ", PERIODS[0], CASE_CODES, (), geography_level=2), params)
    params = engine.Parameters("0-4,5-9,10-14,15-17", 1, 3, 1, 3, 2)
    for period in PERIODS:
        for q in queries(period):
            assert shape(engine.compute(q, params)) == shape(engine.compute(q, params, store=False))
    # a second refresh replaces the blocks
    services.facts_refresh()
    assert sum(FactChunk.objects.system("t").values_list("rows", flat=True)) == rows


def test_an_empty_store(db, monkeypatch):
    assert build_store(monkeypatch) == 0
    assert columns.available()
    params = engine.Parameters("0-4,5-9,10-14,15-17", 5, 10, 5, 3, 2)
    for q in queries(PERIODS[0]):
        assert shape(engine.compute(q, params)) == shape(engine.compute(q, params, store=False))
