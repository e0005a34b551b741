"""Writes of the statistics app: the fact table refresh and the release workflow.

Statisticians build releases (protected tables only are stored), submit them, and a manager
approves or returns them. Only approved releases are exported, and every export is logged.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.cases import choices as c
from kinlink.cases.models import Assessment, Case, CasePlan, Consent
from kinlink.core import audit
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.tracing.models import Reunification

from . import engine
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


def facts_refresh() -> int:
    """Rebuild the fact table from the case records (system-wide read for statistics)."""
    started = time.monotonic()
    reason = "statistics"
    first_assessment = dict(
        Assessment.objects.system(reason)
        .filter(kind=c.AssessmentKind.INITIAL, completed_at__isnull=False)
        .values("case_id")
        .annotate(at=Min("completed_at"))
        .values_list("case_id", "at")
    )
    plan = dict(
        CasePlan.objects.system(reason)
        .filter(approved_at__isnull=False)
        .values("case_id")
        .annotate(at=Min("approved_at"))
        .values_list("case_id", "at")
    )
    reunified = dict(
        Reunification.objects.system(reason)
        .values("case_id")
        .annotate(on=Min("reunified_on"))
        .values_list("case_id", "on")
    )
    consents: dict = {}
    for case_id, *rest in (
        Consent.objects.system(reason)
        .values_list("case_id", "for_reporting", "withdrawn_at", "override_basis", "override_state")
        .iterator(chunk_size=BATCH)
    ):
        consents.setdefault(case_id, []).append(tuple(rest))
    cases = Case.objects.system(reason).values_list(
        "pk",
        "status",
        "stage",
        "risk_level",
        "identified_at",
        "registered_at",
        "closed_at",
        "separation_date",
        "agency__country",
        "office__admin_area",
        "office__city",
        "child__sex",
        "child__date_of_birth",
        "child__age_years",
        "child__age_recorded_on",
        "child__nationalities",
        "child__migratory_status",
        "child__protection_status",
        "child__disability",
        "child__birth_registration",
        "child__statelessness_risk",
    )
    rows = 0
    with transaction.atomic():
        CaseFact.objects.system(reason).delete()
        batch = []
        for (
            pk,
            status,
            stage,
            risk,
            identified,
            registered,
            closed,
            separated,
            country,
            area,
            city,
            sex,
            dob,
            age_years,
            age_on,
            nationalities,
            migratory,
            protection,
            disability,
            birth,
            stateless,
        ) in cases.order_by().iterator(chunk_size=BATCH):
            assessed = first_assessment.get(pk)
            planned = plan.get(pk)
            reunion = reunified.get(pk)
            batch.append(
                CaseFact(
                    case_id=pk,
                    country=country,
                    admin_area=area or "",
                    city=city or "",
                    basis=_basis(status, consents.get(pk, [])),
                    status=status,
                    stage=stage,
                    risk_level=risk,
                    identified_at=identified,
                    registered_on=registered.date(),
                    closed_on=closed.date() if closed else None,
                    age=_age(dob, age_years, age_on, registered.date()),
                    sex=sex,
                    nationality=(nationalities or [""])[0][:2] if nationalities else "",
                    migratory_status=migratory,
                    protection_status=protection,
                    disability=disability,
                    birth_registration=birth,
                    statelessness_risk=stateless,
                    hours_to_first_assessment=(
                        (assessed - identified).total_seconds() / 3600 if assessed else None
                    ),
                    days_to_case_plan=(
                        (planned - identified).total_seconds() / 86400 if planned else None
                    ),
                    separation_date=separated,
                    reunified_on=reunion,
                    days_to_reunification=(
                        float((reunion - separated).days) if reunion and separated else None
                    ),
                )
            )
            if len(batch) >= BATCH:
                CaseFact.objects.bulk_create(batch)
                rows += len(batch)
                batch = []
        CaseFact.objects.bulk_create(batch)
        rows += len(batch)
        FactsRefresh.objects.update_or_create(
            pk=1,
            defaults={
                "refreshed_at": timezone.now(),
                "rows": rows,
                "seconds": time.monotonic() - started,
            },
        )
    return rows


def facts_refreshed_at():
    row = FactsRefresh.objects.filter(pk=1).first()
    return row.refreshed_at if row else None


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
    tables = engine.as_json(engine.protect(engine.compute(query, params), params))
    with transaction.atomic():
        last = (
            Release.objects.filter(country=actor.country, title=data.title.strip())
            .select_for_update()
            .aggregate(v=Max("version"))["v"]
        )
        release = Release.objects.create(
            title=data.title.strip(),
            version=(last or 0) + 1,
            country=actor.country,
            period_start=data.period_start,
            period_end=data.period_end,
            geography_level=data.geography_level,
            area=query.area,
            indicators=list(data.indicators),
            breakdowns=list(data.breakdowns),
            parameters=params.as_dict(),
            tables=tables,
            data_as_of=facts_refreshed_at(),
            content_hash=_hash([params.as_dict(), tables]),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=release,
            detail={"version": release.version, "hash": release.content_hash},
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
