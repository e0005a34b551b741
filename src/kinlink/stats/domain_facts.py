"""Facts of the other domains (referrals, care, cross-border requests, tracing) and their tables.

``refresh()`` rebuilds ``DomainFact`` after the case facts: one row per referral, placement or
cross-border request, carrying its case's dimensions and consent basis from ``CaseFact``
(rule 48 applies unchanged: a record of a case without a basis is left out and counted as
such; a request not linked to a local case has no recorded basis). A child sought in a tracing
request counts with the dimensions and basis of the case it was matched to; until then with
what the request says of the child and the enquirer's agreement to be counted
(``TracingRequest.consent_statistics``). The other apps' records are only read.

``compute_all()`` is what pages and releases call: indicators over the case facts go to
``engine.compute``; those over another ``source`` are computed here into the same tables.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from kinlink.care.models import Placement
from kinlink.exchange.models import CrossBorderRequest, NodeProfile
from kinlink.referrals.models import Referral
from kinlink.tracing import choices as tc
from kinlink.tracing.models import Trace

from . import engine, sdc
from . import indicators as ind
from .models import Basis, CaseFact, DomainFact

BATCH = 5000
OPEN = "open"  # the outcome of a child still sought
REASON = "statistics"
CASE_FIELDS = (
    "country",
    "admin_area",
    "city",
    "basis",
    "stage",
    "risk_level",
    "sex",
    "nationality",
    "migratory_status",
    "protection_status",
    "disability",
)
# The fact sources an indicator may name (``Indicator.source``): "cases" is CaseFact (computed
# by ``engine.compute``), the others are DomainFact rows of that source.
SOURCES = ("cases", "referrals", "care", "exchange", "tracing")
FOUND = (tc.TraceStatus.MATCHED, tc.TraceStatus.VERIFIED, tc.TraceStatus.REUNIFIED)


def _day(value) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") else value


def _of_cases(case_ids: set) -> tuple[dict, dict]:
    """The dimensions (from CaseFact) and the birth data of the cases that have records,
    read in chunks: nothing is loaded for cases without referrals, placements or requests."""
    from kinlink.cases.models import Case

    dims: dict = {}
    children: dict = {}
    ids = sorted(case_ids, key=str)
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        for row in (
            CaseFact.objects.system(REASON)
            .filter(case_id__in=chunk)
            .values_list("case_id", *CASE_FIELDS)
        ):
            dims[row[0]] = dict(zip(CASE_FIELDS, row[1:], strict=True))
        for pk, *birth in (
            Case.objects.system(REASON)
            .filter(pk__in=chunk)
            .values_list("pk", "child__date_of_birth", "child__age_years", "child__age_recorded_on")
        ):
            children[pk] = tuple(birth)
    return dims, children


def _tracing_records() -> list[tuple]:
    """One record per child sought; its own dimensions for when no matched case has facts."""
    records = []
    for (
        pk,
        case_id,
        status,
        sex,
        dob,
        age_years,
        resolved,
        asked_on,
        cause,
        closed_as,
        agreed,
        country,
        area,
        city,
    ) in (
        Trace.objects.system(REASON)
        .values_list(
            "pk",
            "matched_case_id",
            "status",
            "sex",
            "date_of_birth",
            "age_years",
            "resolved_at",
            "request__inquiry_date",
            "request__separation_cause",
            "request__closure_outcome",
            "request__consent_statistics",
            "request__agency__country",
            "request__office__admin_area",
            "request__office__city",
        )
        .iterator(chunk_size=BATCH)
    ):
        if status in FOUND:
            outcome = tc.RequestOutcome.FOUND
        elif status == tc.TraceStatus.CLOSED:
            outcome = closed_as or tc.RequestOutcome.OTHER
        else:
            outcome = OPEN
        resolved_on = _day(resolved) if outcome != OPEN else None
        fields = {
            "category": cause,
            "outcome": outcome,
            "changed_on": resolved_on,
            "duration": (resolved_on - asked_on).days if resolved_on else None,
        }
        own = (
            {
                "country": country,
                "admin_area": area or "",
                "city": city or "",
                "basis": Basis.OK if agreed else Basis.NO_CONSENT,
                "sex": sex,
            },
            (dob, age_years, asked_on),
        )
        records.append(("tracing", pk, case_id, asked_on, fields, own))
    return records


def refresh() -> int:
    """Rebuild the domain facts from referrals, placements, cross-border requests and traces."""
    from .services import _age

    records: list[tuple] = []  # (source, record id, case id, start, fields[, own dimensions])
    for pk, case_id, service, status, barrier, created, changed in (
        Referral.objects.system(REASON)
        .values_list(
            "pk",
            "case_id",
            "service_type",
            "status",
            "barrier",
            "created_at",
            "status_changed_at",
        )
        .iterator(chunk_size=BATCH)
    ):
        fields = {
            "category": service,
            "outcome": status,
            "reason": barrier,
            "changed_on": _day(changed),
        }
        records.append(("referrals", pk, case_id, _day(created), fields))
    for pk, case_id, care_type, status, start, ended in (
        Placement.objects.system(REASON)
        .values_list("pk", "case_id", "care_type", "status", "start_on", "ended_on")
        .iterator(chunk_size=BATCH)
    ):
        fields = {"category": care_type, "outcome": status, "ended_on": ended}
        records.append(("care", pk, case_id, start, fields))
    for pk, case_id, kind, status, direction, sent, received, responded in (
        CrossBorderRequest.objects.system(REASON)
        .values_list(
            "pk",
            "case_id",
            "kind",
            "status",
            "direction",
            "sent_at",
            "received_at",
            "responded_at",
        )
        .iterator(chunk_size=BATCH)
    ):
        opened = sent if direction == CrossBorderRequest.Direction.OUT else received
        if opened is None:
            continue  # a draft, a blocked request or one awaiting approval never left
        fields = {
            "category": kind,
            "outcome": status,
            "direction": direction,
            "changed_on": _day(responded),
            "duration": (
                round((responded - opened).total_seconds() / 86400, 2) if responded else None
            ),
        }
        records.append(("exchange", pk, case_id, _day(opened), fields))

    node = NodeProfile.objects.filter(pk=1).values_list("country", flat=True).first() or ""
    records.extend(_tracing_records())
    dims, children = _of_cases({r[2] for r in records if r[2] is not None})
    unlinked = {"country": node, "basis": Basis.NO_CONSENT}  # no local case: no recorded basis
    facts = []
    for source, record_id, case_id, start, fields, *own in records:
        child = children.get(case_id)
        found = dims.get(case_id)
        if found is None and own:  # a child sought, not (yet) matched to a case with facts
            found, child = own[0]
        facts.append(
            DomainFact(
                source=source,
                record_id=record_id,
                case_id=case_id,
                started_on=start,
                age=_age(*child, start) if child else None,
                **(found or unlinked),
                **fields,
            )
        )
    with transaction.atomic():
        DomainFact.objects.system(REASON).delete()
        DomainFact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts)


# ----------------------------------------------------------------------- computing


def _split(q: engine.Query):
    by_source: dict[str, list[str]] = defaultdict(list)
    for code in q.indicators:
        by_source[ind.get(code).source].append(code)
    return by_source


def applies(dimension_code: str, source: str) -> bool:
    dim = ind.DIMENSIONS[dimension_code]
    return not dim.sources or source in dim.sources


def compute_all(q: engine.Query, params: engine.Parameters) -> list[engine.Result]:
    """Raw tables of every indicator asked for, whatever its source, in the order asked."""
    by_source = _split(q)
    results: dict[str, engine.Result] = {}
    for source, codes in by_source.items():
        breakdowns = tuple(b for b in q.breakdowns if applies(b, source))
        sub = engine.Query(
            country=q.country,
            period=q.period,
            indicators=tuple(codes),
            breakdowns=breakdowns,
            geography_level=q.geography_level,
            area=q.area,
        )
        found = engine.compute(sub, params) if source == "cases" else compute(sub, params, source)
        results.update({r.indicator: r for r in found})
    return [results[code] for code in q.indicators]


def _queryset(q: engine.Query, params: engine.Parameters, source: str):
    if q.geography_level > params.max_admin_level:
        raise ValueError("geography below the configured level")
    qs = DomainFact.objects.system(REASON).filter(source=source, country=q.country)
    if q.area:
        qs = qs.filter(admin_area=q.area)
    return qs


def compute(q: engine.Query, params: engine.Parameters, source: str) -> list[engine.Result]:
    """The tables of the indicators of one domain source: age band x sex, one-way tables and
    medians, with the records left out and why (the same shapes as ``engine.compute``)."""
    bands = ind.age_bands(params.age_bands)
    age_rows = [(label, label) for _lo, _hi, label in bands] + [("unknown", str(ind.UNKNOWN))]
    sex_cols = [(str(k), str(v)) for k, v in ind.SEX]
    total = ("total", str(_("Total")))
    wanted = [ind.get(code) for code in q.indicators]
    qs = _queryset(q, params, source)
    ok = qs.filter(basis=Basis.OK).annotate(band=engine._age_expr(bands))
    results = {i.code: engine.Result(i.code, [], {}) for i in wanted}

    def condition(i: ind.Indicator) -> Q:
        c = i.condition(q.period)
        if i.kind == "median":
            c &= Q(**{f"{i.value_field}__isnull": False})
        return c

    left = (
        qs.exclude(basis=Basis.OK)
        .values("basis")
        .annotate(**{f"n_{i.code}": Count("pk", filter=condition(i)) for i in wanted})
    )
    for row in left:
        for i in wanted:
            if row[f"n_{i.code}"]:
                results[i.code].left_out[row["basis"]] = row[f"n_{i.code}"]

    counts = [i for i in wanted if i.kind == "count"]
    if counts:
        aggregates = {f"n_{i.code}": Count("pk", filter=condition(i)) for i in counts}
        cells: dict = defaultdict(dict)
        for row in ok.values("band", "sex").annotate(**aggregates):
            for i in counts:
                cells[i.code][(row["band"], row["sex"])] = row[f"n_{i.code}"]
        for i in counts:
            interior = [[cells[i.code].get((r, c), 0) for c, _l in sex_cols] for r, _l in age_rows]
            results[i.code].tables.append(
                engine.Table(
                    i.code,
                    engine.AGE_SEX,
                    "count",
                    [*age_rows, total],
                    [*sex_cols, total],
                    sdc.with_margins(interior),
                )
            )
        for code in q.breakdowns:
            dim = ind.DIMENSIONS[code]
            key = engine.GEOGRAPHY_FIELDS[q.geography_level] if code == "area" else dim.field
            per: dict = defaultdict(dict)
            for row in ok.values(key).annotate(**aggregates):
                for i in counts:
                    per[i.code][row[key]] = row[f"n_{i.code}"]
            seen = {k for d in per.values() for k, n in d.items() if n}
            rows = engine._labels(dim, seen)
            for i in counts:
                values = [per[i.code].get(r, 0) for r, _l in rows]
                results[i.code].tables.append(
                    engine.Table(
                        i.code,
                        code,
                        "count",
                        [*rows, total],
                        [("value", str(_("Number")))],
                        [[v] for v in values] + [[sum(values)]],
                    )
                )

    for i in (i for i in wanted if i.kind == "median"):
        fields = ["band", "sex", *(_dim_field(q, d) for d in q.breakdowns), i.value_field]
        groups: dict = defaultdict(list)
        for rec in ok.filter(condition(i)).values_list(*fields).iterator(chunk_size=BATCH):
            value, band, sex = rec[-1], rec[0], rec[1]
            for key in ((band, sex), (band, "total"), ("total", sex), ("total", "total")):
                groups[(engine.AGE_SEX, key)].append(value)
            for d, cat in zip(q.breakdowns, rec[2:-1], strict=True):
                groups[(d, cat)].append(value)
                groups[(d, "total")].append(value)
        rows_all, cols_all = [*age_rows, total], [*sex_cols, total]
        results[i.code].tables.append(
            engine.Table(
                i.code,
                engine.AGE_SEX,
                "median",
                rows_all,
                cols_all,
                [
                    [engine._median(groups.get((engine.AGE_SEX, (r, c)))) for c, _l in cols_all]
                    for r, _l in rows_all
                ],
                [
                    [len(groups.get((engine.AGE_SEX, (r, c)), [])) for c, _l in cols_all]
                    for r, _l in rows_all
                ],
            )
        )
        for d in q.breakdowns:
            cats = [
                *engine._labels(
                    ind.DIMENSIONS[d], {k for (dd, k) in groups if dd == d and k != "total"}
                ),
                total,
            ]
            results[i.code].tables.append(
                engine.Table(
                    i.code,
                    d,
                    "median",
                    cats,
                    [("value", str(i.unit))],
                    [[engine._median(groups.get((d, k)))] for k, _l in cats],
                    [[len(groups.get((d, k), []))] for k, _l in cats],
                )
            )
    return [results[i.code] for i in wanted]


def _dim_field(q: engine.Query, code: str) -> str:
    if code == "area":
        return engine.GEOGRAPHY_FIELDS[q.geography_level]
    return ind.DIMENSIONS[code].field
