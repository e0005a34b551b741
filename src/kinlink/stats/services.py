"""Writes of the statistics app: the fact table refresh and the release workflow.

Statisticians build releases (protected tables only are stored), submit them, and a manager
approves or returns them. Only approved releases are exported, and every export is logged.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import Agency, Office
from kinlink.accounts.roles import can
from kinlink.cases import choices as c
from kinlink.cases.models import Assessment, Case, CasePlan, Child, Consent
from kinlink.core import audit
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.tracing.models import Reunification

from . import columns, domain_facts, engine, extracts
from . import indicators as ind
from .models import Basis, CaseFact, FactsRefresh, Release

BATCH = 5000


# ----------------------------------------------------------------------- facts


def _age(dob, age_years, age_recorded_on, day) -> int | None:
    if dob:
        if day < dob:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
    if age_years is not None and age_recorded_on:
        return max(0, age_years + (day - age_recorded_on).days // 365)
    return age_years


def _basis(status: str, consents: list[tuple]) -> str:
    if status == c.CaseStatus.DUPLICATE:
        return Basis.DUPLICATE
    reporting = [x for x in consents if x[0]]
    active = [x for x in reporting if x[1] is None]
    if any(not basis or state == c.ApprovalState.APPROVED for _r, _w, basis, state in active):
        return Basis.OK
    if active:
        return Basis.PENDING
    if reporting:
        return Basis.WITHDRAWN
    return Basis.NO_CONSENT


def _facts_sql(vendor: str) -> tuple[list[str], list[str], str]:
    """(statements to run first, statements to run last, INSERT ... SELECT of every case's fact
    row): the SQL form of ``_age`` and ``_basis``.

    The case joined to its child, agency and office, and to one aggregate per related table:
    first completed initial assessment, first approved plan, first reunification and the
    strongest consent for statistics (3 active with a lawful basis, 2 active awaiting
    approval, 1 withdrawn). PostgreSQL hash-joins the aggregates as subqueries; SQLite builds
    them first as one indexed temporary table (several times faster there; one look-up per
    case). Rows are inserted in
    case id order, so the primary key index fills in order (half the time). Dates are the UTC
    dates of the timestamps, as before; durations are computed from whole microseconds so they
    equal ``timedelta.total_seconds()``.
    """
    t = {
        m.__name__: m._meta.db_table
        for m in (Case, Child, Agency, Office, Consent, Assessment, CasePlan, Reunification)
    }
    active = "cn.for_reporting AND cn.withdrawn_at IS NULL"
    strength = f"""CASE
        WHEN {active} AND (cn.override_basis = '' OR cn.override_basis IS NULL
            OR cn.override_state = '{c.ApprovalState.APPROVED.value}') THEN 3
        WHEN {active} THEN 2
        WHEN cn.for_reporting THEN 1
        ELSE 0 END"""
    rank = f"MAX({strength})"
    initial = f"kind = '{c.AssessmentKind.INITIAL.value}' AND completed_at IS NOT NULL"
    first = {  # (column whose first value is taken, table, condition)
        "assessed": ("completed_at", t["Assessment"], initial),
        "planned": ("approved_at", t["CasePlan"], "approved_at IS NOT NULL"),
        "reunified": ("reunified_on", t["Reunification"], "1 = 1"),
    }
    if vendor == "postgresql":
        day = "(({}) AT TIME ZONE 'UTC')::date".format
        year = "EXTRACT(YEAR FROM {})::integer".format
        month_day = "to_char({}, 'MM-DD')".format
        days = "({} - {})".format
        seconds = "EXTRACT(EPOCH FROM ({} - {}))::float8".format
        greatest = "GREATEST"
        nationality = "COALESCE(LEFT(ch.nationalities ->> 0, 2), '')"
        fdays = "({} - {})::float8".format
        per_hour, per_day = "3600.0::float8", "86400.0::float8"
        not_indexed = ""
    else:  # SQLite: timestamps are stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC
        # and dates as 'YYYY-MM-DD': their parts are cut from the text (the same values as
        # date() and strftime(), which parse the whole text again at each of their several
        # calls per row)
        day = "substr({}, 1, 10)".format
        year = "CAST(substr({}, 1, 4) AS INTEGER)".format
        month_day = "substr({}, 6, 5)".format
        days = "CAST(julianday({}) - julianday({}) AS INTEGER)".format

        def seconds(a, b):
            # whole seconds of the text before the fraction (strftime rounds it to milliseconds)
            secs = "CAST(strftime('%s', substr({}, 1, 19)) AS INTEGER)".format
            whole = f"({secs(a)} - {secs(b)})"
            micro = f"(CAST(substr({a}, 21) AS INTEGER) - CAST(substr({b}, 21) AS INTEGER))"
            return f"(({whole} * 1000000 + {micro}) / 1000000.0)"

        greatest = "MAX"
        nationality = "COALESCE(substr(json_extract(ch.nationalities, '$[0]'), 1, 2), '')"
        fdays = "CAST(julianday({}) - julianday({}) AS REAL)".format
        per_hour, per_day = "3600.0", "86400.0"
        not_indexed = " NOT INDEXED"  # a sequential scan and a sort beat the case_id index
    # one aggregate per related table, by case: joined as subqueries on PostgreSQL (hash
    # joins); on SQLite built first as indexed temporary tables (several times faster than
    # joining the subqueries or looking every case up in correlated subqueries there)
    consents = f"{t['Consent']} cn{not_indexed}"
    aggregates = {"cs": f"SELECT cn.case_id, {rank} AS v FROM {consents}"}  # noqa: S608
    for name, (column, table, cond) in first.items():
        source = f"{table}{not_indexed} WHERE {cond}"
        aggregates[name] = f"SELECT case_id, MIN({column}) AS v FROM {source}"  # noqa: S608
    prepare, joins, cleanup = [], [], []
    if vendor == "postgresql":
        for name, select in aggregates.items():
            by = "cn.case_id" if name == "cs" else "case_id"
            joins.append(f"LEFT JOIN ({select} GROUP BY {by}) {name} ON {name}.case_id = c.id")
        consent = "cs.v"
        value = {name: f"{name}.v" for name in first}
    else:
        # one temporary table of every aggregate, so that each case is looked up once (the
        # look-ups, not the rules, are most of the insert's time)
        temp = "kinlink_facts_agg"
        names = list(aggregates)
        sources = {"cs": ("cn.case_id", strength, consents, "1 = 1")} | {
            name: ("case_id", column, f"{table}{not_indexed}", cond)
            for name, (column, table, cond) in first.items()
        }
        parts = []
        for name, (case_id, expr, source, cond) in sources.items():
            row = ", ".join(f"{expr if other == name else 'NULL'} AS {other}" for other in names)
            parts.append(f"SELECT {case_id} AS case_id, {row} FROM {source} WHERE {cond}")  # noqa: S608
        inner = " UNION ALL ".join(parts)
        picks = ", ".join(
            f"MAX({name}) AS {name}" if name == "cs" else f"MIN({name}) AS {name}" for name in names
        )
        prepare += [
            f"DROP TABLE IF EXISTS temp.{temp}",
            f"CREATE TEMP TABLE {temp} AS SELECT case_id, {picks} "  # noqa: S608
            f"FROM ({inner}) GROUP BY case_id",
            f"CREATE UNIQUE INDEX temp.{temp}_case ON {temp} (case_id)",
        ]
        cleanup.append(f"DROP TABLE IF EXISTS temp.{temp}")
        joins.append(f"LEFT JOIN temp.{temp} g ON g.case_id = c.id")
        consent = "g.cs"
        value = {name: f"g.{name}" for name in first}
    reg, identified = day("c.registered_at"), "c.identified_at"
    since = days(reg, "ch.age_recorded_on")
    # Python's floor division (``//``) on a possibly negative number of days
    floor_years = f"(CASE WHEN {since} >= 0 THEN {since} / 365 ELSE -((364 - {since}) / 365) END)"
    age = f"""CASE
        WHEN ch.date_of_birth IS NOT NULL THEN
            CASE WHEN {reg} < ch.date_of_birth THEN NULL
            ELSE {year(reg)} - {year("ch.date_of_birth")}
                - (CASE WHEN {month_day(reg)} < {month_day("ch.date_of_birth")} THEN 1 ELSE 0 END)
            END
        WHEN ch.age_years IS NOT NULL AND ch.age_recorded_on IS NOT NULL
            THEN {greatest}(0, ch.age_years + {floor_years})
        ELSE ch.age_years
    END"""
    basis = f"""CASE WHEN c.status = '{c.CaseStatus.DUPLICATE.value}' THEN '{Basis.DUPLICATE.value}'
        ELSE CASE {consent} WHEN 3 THEN '{Basis.OK.value}' WHEN 2 THEN '{Basis.PENDING.value}'
            WHEN 1 THEN '{Basis.WITHDRAWN.value}' ELSE '{Basis.NO_CONSENT.value}' END
    END"""
    columns = {
        "case_id": "c.id",
        "country": "a.country",
        "admin_area": "COALESCE(o.admin_area, '')",
        "city": "COALESCE(o.city, '')",
        "basis": basis,
        "status": "c.status",
        "stage": "c.stage",
        "risk_level": "c.risk_level",
        "identified_at": "c.identified_at",
        "registered_on": reg,
        "closed_on": day("c.closed_at"),
        "age": age,
        "sex": "ch.sex",
        "nationality": nationality,
        "migratory_status": "ch.migratory_status",
        "protection_status": "ch.protection_status",
        "disability": "ch.disability",
        "birth_registration": "ch.birth_registration",
        "statelessness_risk": "ch.statelessness_risk",
        "hours_to_first_assessment": f"{seconds(value['assessed'], identified)} / {per_hour}",
        "days_to_case_plan": f"{seconds(value['planned'], identified)} / {per_day}",
        "separation_date": "c.separation_date",
        "reunified_on": value["reunified"],
        "days_to_reunification": fdays(value["reunified"], "c.separation_date"),
    }
    cols = [CaseFact._meta.get_field(name).column for name in columns]
    # only model table names and fixed codes are interpolated; no input reaches this SQL
    return (
        prepare,
        cleanup,
        f"""
    INSERT INTO {CaseFact._meta.db_table} ({", ".join(cols)})
    SELECT {", ".join(columns.values())}
    FROM {t["Case"]} c
    JOIN {t["Child"]} ch ON ch.id = c.child_id
    JOIN {t["Agency"]} a ON a.id = c.agency_id
    JOIN {t["Office"]} o ON o.id = c.office_id
    {" ".join(joins)}
    ORDER BY c.id
    """,  # noqa: S608
    )


def facts_refresh(timings: dict | None = None) -> int:
    """Rebuild the fact table from the case records (system-wide read for statistics), then
    the column store the statistics are computed from (``columns.build``).

    Set-based: one DELETE and one INSERT ... SELECT in a transaction (readers keep seeing the
    previous facts until it commits). The rules are those of ``_age`` and ``_basis``.
    ``timings`` receives the seconds of each step (for the benchmark)."""
    started = time.monotonic()
    prepare, cleanup, insert = _facts_sql(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the aggregates' hashes in memory
        try:
            for statement in prepare:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {CaseFact._meta.db_table}")  # noqa: S608
            # SQLite: the index is built once after the insert rather than row by row
            # (PostgreSQL would lock the table against readers until the commit)
            indexes = _drop_indexes(cursor) if connection.vendor == "sqlite" else []
            cursor.execute(insert)
            rows = cursor.rowcount
            for statement in indexes:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                # fresh statistics for the planner: the table was replaced as a whole
                cursor.execute(f"ANALYZE {CaseFact._meta.db_table}")
        finally:
            for statement in cleanup:
                cursor.execute(statement)
        if timings is not None:
            timings["facts"] = time.monotonic() - started
        stored = columns.build(timings)
        FactsRefresh.objects.update_or_create(
            pk=1,
            defaults={
                "refreshed_at": timezone.now(),
                "rows": rows,
                "seconds": time.monotonic() - started,
                "columns": stored,
            },
        )
    mark = time.monotonic()
    domain_facts.refresh()
    if timings is not None:
        timings["other domains"] = time.monotonic() - mark
    return rows


def _drop_indexes(cursor) -> list[str]:
    """Drop the fact table's secondary indexes (SQLite); returns the statements that create
    them again."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",
        [CaseFact._meta.db_table],
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def facts_refreshed_at():
    row = FactsRefresh.objects.filter(pk=1).first()
    return row.refreshed_at if row else None


# a queued refresh no worker has run after this long may be queued again
QUEUE_STALE = timedelta(hours=2)


def facts_refresh_queued_at():
    """When the pending refresh was queued, or None: no refresh that started after the last
    request has finished yet."""
    row = FactsRefresh.objects.filter(pk=1).first()
    if row is None or row.queued_at is None:
        return None
    if row.refreshed_at is not None:
        started = row.refreshed_at - timedelta(seconds=row.seconds)
        if started >= row.queued_at:
            return None
    return row.queued_at


def facts_refresh_queue(*, actor) -> bool:
    """Queue the refresh task (the dashboard's button: 30-60 s at a million cases, never in
    the request). False when a refresh is already waiting for the worker."""
    from .tasks import refresh_facts

    if not can(actor, "build_releases"):
        raise PermissionDenied
    now = timezone.now()
    queued = facts_refresh_queued_at()
    if queued is not None and now - queued < QUEUE_STALE:
        return False
    FactsRefresh.objects.update_or_create(pk=1, defaults={"queued_at": now})
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        object_type="stats.casefact",
        detail={"refresh": "queued"},
    )
    refresh_facts.enqueue()
    return True


# ----------------------------------------------------------------------- releases


@dataclass
class ReleaseInput:
    title: str
    period_start: date
    period_end: date
    indicators: list[str]
    breakdowns: list[str] = field(default_factory=list)
    geography_level: int = 0
    area: str = ""


def release_validate(data: ReleaseInput, params: engine.Parameters) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("A release needs a title.")]
    if data.period_end < data.period_start:
        errors["period_end"] = [_("The end of the period is before its start.")]
    unknown = [code for code in data.indicators if code not in ind.REGISTRY]
    if not data.indicators or unknown:
        errors["indicators"] = [_("Choose at least one indicator from the list.")]
    if any(b not in ind.DIMENSIONS for b in data.breakdowns):
        errors["breakdowns"] = [_("Unknown breakdown.")]
    if data.geography_level > params.max_admin_level or data.geography_level not in (0, 1, 2):
        errors["geography_level"] = [
            _("Geography below level %(level)s may not be published.")
            % {"level": params.max_admin_level}
        ]
    if data.area and params.max_admin_level < 1:
        errors["area"] = [_("Areas may not be published in this deployment.")]
    return errors


def _hash(payload) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_build(*, actor, data: ReleaseInput) -> Release:
    """Compute, protect and store a new version of a release (a draft)."""
    if not can(actor, "build_releases") or not actor.country:
        raise PermissionDenied
    params = engine.Parameters.from_sop(SopProfile.current())
    errors = release_validate(data, params)
    if errors:
        raise ValidationError(errors)
    query = engine.Query(
        country=actor.country,
        period=ind.Period(data.period_start, data.period_end),
        indicators=tuple(data.indicators),
        breakdowns=tuple(data.breakdowns),
        geography_level=data.geography_level,
        area=data.area.strip(),
    )
    tables = engine.as_json(engine.protect(domain_facts.compute_all(query, params), params))
    return release_store(
        actor=actor,
        title=data.title,
        params=params,
        tables=tables,
        period_start=data.period_start,
        period_end=data.period_end,
        geography_level=data.geography_level,
        area=query.area,
        indicators=list(data.indicators),
        breakdowns=list(data.breakdowns),
    )


def release_store(*, actor, title: str, params, tables, audit_detail=None, **fields) -> Release:
    """Store a new version of a release (tables or a research extract) of the actor's
    country under its title, with its parameters and content hash; audited."""
    with transaction.atomic():
        last = (
            Release.objects.filter(country=actor.country, title=title.strip())
            .select_for_update()
            .aggregate(v=Max("version"))["v"]
        )
        release = Release.objects.create(
            title=title.strip(),
            version=(last or 0) + 1,
            country=actor.country,
            parameters=params.as_dict(),
            tables=tables,
            data_as_of=facts_refreshed_at(),
            content_hash=_hash([params.as_dict(), tables]),
            created_by=actor,
            **fields,
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=release,
            detail={"version": release.version, "hash": release.content_hash}
            | (audit_detail or {}),
        )
    return release


def releases_visible(user):
    """Releases of the user's country, for the roles that see statistics or approve them."""
    if not (can(user, "see_statistics") or can(user, "approve_releases")) or not user.country:
        return Release.objects.none()
    qs = Release.objects.filter(country=user.country)
    if not can(user, "build_releases"):
        # approvers see what is submitted to them and decided; researchers only approved ones
        states = (
            [Release.State.PENDING, Release.State.APPROVED, Release.State.REJECTED]
            if can(user, "approve_releases")
            else [Release.State.APPROVED]
        )
        qs = qs.filter(state__in=states)
    return qs


def _get(user, release_id, *, lock=False) -> Release:
    qs = releases_visible(user)
    if lock:
        qs = qs.select_for_update()
    release = qs.filter(pk=release_id).first()
    if release is None:
        raise PermissionDenied  # not in scope: the view answers 404
    return release


def release_submit(*, actor, release_id) -> Release:
    with transaction.atomic():
        release = _get(actor, release_id, lock=True)
        if release.state not in (Release.State.DRAFT, Release.State.REJECTED):
            raise ValidationError(_("Only a draft can be submitted for approval."))
        release.state = Release.State.PENDING
        release.submitted_at = timezone.now()
        release.save(update_fields=["state", "submitted_at", "updated_at"])
        audit.record(
            actor=actor, action=AuditEvent.Action.CHANGE, obj=release, detail={"to": "pending"}
        )
    return release


def release_decide(*, actor, release_id, approve: bool, comment: str = "") -> Release:
    """A manager approves a submitted release for publication, or returns it."""
    with transaction.atomic():
        release = _get(actor, release_id, lock=True)
        if release.state != Release.State.PENDING:
            raise ValidationError(_("This release is not awaiting approval."))
        if release.created_by_id == actor.pk:
            raise ValidationError(_("A release is approved by someone other than its author."))
        if not approve and not comment.strip():
            raise ValidationError({"comment": [_("Say what needs to change.")]})
        if approve:
            extracts.approval_check(release)
        release.state = Release.State.APPROVED if approve else Release.State.REJECTED
        release.decided_by = actor
        release.decided_at = timezone.now()
        release.decision_comment = comment.strip()
        release.save(
            update_fields=["state", "decided_by", "decided_at", "decision_comment", "updated_at"]
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.APPROVE if approve else AuditEvent.Action.REJECT,
            obj=release,
            detail={"hash": release.content_hash},
        )
    return release


class NotApproved(Exception):
    """Only approved releases leave the system."""


def release_for_export(*, actor, release_id, fmt: str) -> Release:
    """The release to export, after logging the export; refuses a release not approved."""
    release = _get(actor, release_id)
    if release.state != Release.State.APPROVED:
        raise NotApproved
    audit.record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=release,
        detail={"format": fmt, "version": release.version, "hash": release.content_hash},
    )
    return release
