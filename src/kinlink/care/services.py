"""Writes of alternative care: care providers, placements, gatekeeping, reviews, guardianship.

Each service is atomic, validates first and changes nothing when it refuses. ``ValidationError``
carries field errors (a BLOCK rule of DOMAIN.md refusing names its rule); ``PermissionDenied``
means the case is outside the actor's change scope (shown as 404). After every change the
case's alerts are re-evaluated on commit (kinlink.alerts.engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kinlink.accounts.roles import can
from kinlink.alerts import engine
from kinlink.cases import choices as cc
from kinlink.cases.models import Case, CasePlan, PlanAction, PlanGoal
from kinlink.cases.services import lock_case_for_change
from kinlink.core import audit
from kinlink.core.models import SopProfile

from . import choices as k
from . import crossborder
from .models import (
    CareProvider,
    GatekeepingDecision,
    Guardianship,
    Placement,
    PlacementReview,
)

SECURE_RELEASE = gettext_noop("Secure release to non-custodial care")


def _require(user, *capabilities: str) -> None:
    if not any(can(user, cap) for cap in capabilities):
        raise PermissionDenied(_("Your role may not do this."))


def _case_for_change(actor, case_id) -> Case:
    _require(actor, "work_case")
    case = lock_case_for_change(actor, case_id)
    if case.status != cc.CaseStatus.OPEN:
        raise ValidationError(_("The case is not open."))
    return case


def _placement(case: Case, placement_id) -> Placement:
    p = case.placements.select_for_update().filter(pk=placement_id).first()
    if p is None:
        raise PermissionDenied(_("No such placement on this case."))
    return p


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors, name, message) -> None:
    errors.setdefault(name, []).append(message)


def is_under3(case: Case, day: date, sop: SopProfile) -> bool:
    age = case.child.age_on(day)
    return age is not None and age < sop.under3_age


# --------------------------------------------------------------------------- providers


@dataclass
class ProviderInput:
    name: str
    care_type: str
    licence: str = ""
    licence_valid_until: date | None = None
    capacity: int | None = None
    accepts_under3: bool = False
    location: str = ""


def provider_create(*, actor, data: ProviderInput) -> CareProvider:
    _require(actor, "manage_services")
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        _add(errors, "name", _("Give the provider's name."))
    if data.care_type not in k.CareType.values or data.care_type in k.NEVER_FORMAL:
        _add(errors, "care_type", _("Choose a type of formal alternative care."))
    if not actor.agency_id:
        _add(errors, "name", _("Your account belongs to no agency."))
    _raise(errors)
    with transaction.atomic():
        provider = CareProvider.objects.create(
            agency_id=actor.agency_id,
            name=data.name.strip(),
            care_type=data.care_type,
            licence=data.licence,
            licence_valid_until=data.licence_valid_until,
            capacity=data.capacity,
            accepts_under3=data.accepts_under3,
            location=data.location,
        )
        audit.record(actor=actor, action="create", obj=provider)
    return provider


# --------------------------------------------------------------------------- placements


@dataclass
class PlacementInput:
    care_type: str
    start_on: date
    reason: str
    formal: bool | None = None
    provider_id: object = None
    place: str = ""
    planned_end_on: date | None = None
    emergency: bool = False
    court_decision: str = ""
    siblings: str = k.Siblings.NONE
    siblings_apart_reason: str = ""
    destination_country: str = ""


def placement_validate(case: Case, data: PlacementInput, sop: SopProfile) -> dict:
    """Field errors of a proposed placement, including rules 34 and 39 (BLOCK)."""
    errors: dict[str, list[str]] = {}
    if data.care_type not in k.CareType.values:
        _add(errors, "care_type", _("Choose a type of care."))
        return errors
    if data.reason not in k.PlacementReason.values:
        _add(errors, "reason", _("Choose a reason."))
    if data.siblings not in k.Siblings.values:
        _add(errors, "siblings", _("Choose a value."))
    if data.planned_end_on and data.planned_end_on < data.start_on:
        _add(errors, "planned_end_on", _("The planned end is before the start."))
    dest = data.destination_country = (data.destination_country or "").strip().upper()
    if dest and (len(dest) != 2 or not dest.isalpha()):
        _add(errors, "destination_country", _("Use the two-letter country code."))
    elif dest and data.care_type == k.CareType.DETENTION:
        _add(errors, "destination_country", _("Detention is recorded where it happens."))
    if data.care_type == k.CareType.DETENTION and data.reason == k.PlacementReason.FAMILY_UNITY:
        # Rule 39: detention is never in a child's best interests, with or without family.
        _add(
            errors,
            "reason",
            _(
                "Keeping the family together is not a reason to detain a child (rule 39): "
                "look for non-custodial accommodation for the whole family."
            ),
        )
    provider = None
    if data.provider_id:
        provider = (
            CareProvider.objects.filter(pk=data.provider_id, agency__country=case.agency.country)
            .filter(active=True)
            .first()
        )
        if provider is None:
            _add(errors, "provider_id", _("No such care provider."))
    if data.care_type in k.RESIDENTIAL and is_under3(case, data.start_on, sop):
        planned_days = (data.planned_end_on - data.start_on).days if data.planned_end_on else None
        allowed = (
            data.emergency
            or data.siblings == k.Siblings.TOGETHER
            or (planned_days is not None and planned_days <= sop.under3_residential_max_days)
        )
        if not allowed:
            # Rule 34 (BLOCK): a child under 3 goes to residential care only in an emergency,
            # for a planned stay of at most 6 months, or to keep siblings together.
            _add(
                errors,
                "care_type",
                _(
                    "A child under %(age)s may be placed in residential care only in an "
                    "emergency, for a planned stay of at most %(days)s days, or to keep "
                    "siblings together (rule 34)."
                )
                % {"age": sop.under3_age, "days": sop.under3_residential_max_days},
            )
        if provider is not None and not provider.accepts_under3:
            _add(errors, "provider_id", _("This provider may not take children under 3."))
    return errors


def placement_propose(*, actor, case_id, data: PlacementInput) -> Placement:
    """Record a placement. Formal care waits for its gatekeeping decision (rule 33); informal
    care starts at once; detention is recorded as it is (rule 38)."""
    if data.care_type in k.ALWAYS_FORMAL:
        formal = True
    elif data.care_type in k.NEVER_FORMAL:
        formal = False
    else:
        formal = bool(data.formal)
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        sop = SopProfile.current()
        _raise(placement_validate(case, data, sop))
        p = Placement.objects.create(
            case=case,
            care_type=data.care_type,
            formal=formal,
            provider_id=data.provider_id or None,
            place=data.place,
            start_on=data.start_on,
            planned_end_on=data.planned_end_on,
            emergency=data.emergency,
            reason=data.reason,
            court_decision=data.court_decision,
            siblings=data.siblings,
            siblings_apart_reason=data.siblings_apart_reason,
            destination_country=data.destination_country,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="create",
            obj=p,
            case_id=case.pk,
            detail={"care_type": p.care_type, "formal": formal},
        )
        if not formal:
            _activate(actor, case, p)
        engine.schedule(case.pk)
    return p


def _activate(actor, case: Case, p: Placement) -> None:
    """Start a placement; the child's other active placements end that day."""
    for other in case.placements.filter(status=k.PlacementStatus.ACTIVE).exclude(pk=p.pk):
        other.status = k.PlacementStatus.ENDED
        other.ended_on = p.start_on
        other.end_reason = _("Replaced by a new placement.")
        other.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
        audit.record(actor=actor, action="change", obj=other, case_id=case.pk, detail={"ended": 1})
    p.status = k.PlacementStatus.ACTIVE
    p.save(update_fields=["status", "updated_at"])
    if p.detention:
        p.release_action = _secure_release_action(case)
        p.save(update_fields=["release_action", "updated_at"])


def _secure_release_action(case: Case) -> PlanAction:
    """Rule 38: the case plan gets the action "secure release to non-custodial care"."""
    plan = case.plans.exclude(state=cc.ApprovalState.REJECTED).order_by("-version").first()
    if plan is None:
        plan = CasePlan.objects.create(case=case, version=1, author=case.owner)
    goal = plan.goals.filter(domain="safety").first() or PlanGoal.objects.create(
        plan=plan, domain="safety", description=_("The child lives in non-custodial care.")
    )
    return PlanAction.objects.create(
        goal=goal,
        description=_(SECURE_RELEASE),
        responsible=str(case.owner),
        due_on=timezone.localdate(),
    )


def _release_descriptions() -> set[str]:
    """The release action's description in every language of the interface (actions made
    before ``Placement.release_action`` existed are recognised by it)."""
    from django.conf import settings
    from django.utils import translation

    out = {SECURE_RELEASE}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.add(_(SECURE_RELEASE))
    return out


def release_action_check(case: Case, action: PlanAction, status: str) -> list[str]:
    """Rule 39 (kinlink.cases.hooks.action_completion_checks): the action "secure release to
    non-custodial care" is not done while the child is still in immigration detention —
    detention never satisfies a care-plan goal."""
    if status != cc.ActionStatus.DONE:
        return []
    detained = case.placements.filter(
        care_type=k.CareType.DETENTION, status=k.PlacementStatus.ACTIVE
    )
    if not detained.exists():
        return []
    linked = case.placements.filter(release_action=action).exists()
    if not (linked or action.description.strip() in _release_descriptions()):
        return []
    return [
        _(
            "The child is still recorded in immigration detention: the release to "
            "non-custodial care is not done until the detention has ended and the child lives "
            "in a care arrangement (rule 39)."
        )
    ]


@dataclass
class GatekeepingInput:
    deciding_body: str
    decided_on: date
    decision: str
    assessment_summary: str
    rationale: str
    alternatives: list[str] = field(default_factory=list)
    assessment_id: object = None
    residential_justification: str = ""


def gatekeeping_decide(*, actor, case_id, placement_id, data: GatekeepingInput):
    """Record the gatekeeping body's decision on a proposed placement (rules 33, 36, 39)."""
    errors: dict[str, list[str]] = {}
    if data.deciding_body not in k.DecidingBody.values:
        _add(errors, "deciding_body", _("Choose the deciding body."))
    if data.decision not in k.Decision.values:
        _add(errors, "decision", _("Choose the decision."))
    if not data.assessment_summary.strip():
        _add(errors, "assessment_summary", _("Say what the assessment found (rule 33)."))
    alternatives = [a for a in data.alternatives if a]
    if not alternatives or any(a not in k.Alternative.values for a in alternatives):
        _add(
            errors,
            "alternatives",
            _("Record the family-based alternatives that were considered (rule 33)."),
        )
    if not data.rationale.strip():
        _add(errors, "rationale", _("Give the reasons for the decision."))
    if data.decided_on and data.decided_on > timezone.localdate():
        _add(errors, "decided_on", _("The date is in the future."))
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        p = _placement(case, placement_id)
        if p.detention:
            raise ValidationError(
                _("Detention is never a care option: it cannot be approved (rule 39).")
            )
        if p.status != k.PlacementStatus.PROPOSED:
            raise ValidationError(_("Only a proposed placement awaits a gatekeeping decision."))
        if (
            p.residential
            and data.decision == k.Decision.APPROVED
            and not data.residential_justification.strip()
        ):
            _add(
                errors,
                "residential_justification",
                _(
                    "Residential care needs a recorded justification: why it is appropriate, "
                    "necessary and constructive for this child (rule 36)."
                ),
            )
        if data.decision == k.Decision.APPROVED:
            refusal = crossborder.art33_refusal(case, p)
            if refusal:
                _add(errors, "decision", refusal)
        assessment = None
        if data.assessment_id:
            assessment = case.assessments.filter(pk=data.assessment_id).first()
            if assessment is None:
                _add(errors, "assessment_id", _("No such assessment on this case."))
        _raise(errors)
        d = GatekeepingDecision.objects.create(
            case=case,
            placement=p,
            deciding_body=data.deciding_body,
            decided_on=data.decided_on,
            assessment=assessment,
            assessment_summary=data.assessment_summary,
            alternatives=alternatives,
            decision=data.decision,
            rationale=data.rationale,
            residential_justification=data.residential_justification,
            decided_by=actor,
        )
        if data.decision == k.Decision.REJECTED:
            p.status = k.PlacementStatus.REJECTED
            p.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action="create", obj=d, case_id=case.pk, detail={"decision": d.decision}
        )
        engine.schedule(case.pk)
    return d


def placement_start(*, actor, case_id, placement_id) -> Placement:
    """A proposed formal placement starts: only with its gatekeeping decision (rule 33) and,
    when it separates a child from the parents against their will, a BID or a court decision
    (rule 29)."""
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        p = _placement(case, placement_id)
        if p.status != k.PlacementStatus.PROPOSED:
            raise ValidationError(_("This placement is not waiting to start."))
        if p.formal and p.approved_gatekeeping is None:
            raise ValidationError(
                _(
                    "A formal placement starts only after a gatekeeping decision that records "
                    "the assessment and the alternatives considered (rule 33)."
                )
            )
        refusal = crossborder.art33_refusal(case, p)
        if refusal:
            raise ValidationError(refusal)
        if p.reason == k.PlacementReason.SEPARATION_AGAINST_WILL and not p.court_decision:
            bid = case.bips.filter(
                kind=k.BipKind.BID,
                trigger=k.BipTrigger.SEPARATION,
                status=k.BipStatus.COMPLETED,
            ).exists()
            if not bid:
                raise ValidationError(
                    _(
                        "Separating a child from the parents against their will needs a "
                        "best interests determination or a court decision (rule 29)."
                    )
                )
        _activate(actor, case, p)
        audit.record(actor=actor, action="change", obj=p, case_id=case.pk, detail={"started": 1})
        engine.schedule(case.pk)
    return p


@dataclass
class ReviewInput:
    reviewed_on: date
    outcome: str
    notes: str
    residential_justification: str = ""
    siblings_apart_reason: str = ""


def placement_review(*, actor, case_id, placement_id, data: ReviewInput) -> PlacementReview:
    """A periodic review (rule 35) or a supervisor's gatekeeping review of a child under 3 in
    residential care (rule 34); residential care is re-justified at every review (rule 36)."""
    errors: dict[str, list[str]] = {}
    if data.outcome not in k.ReviewOutcome.values:
        _add(errors, "outcome", _("Choose the outcome."))
    if not data.notes.strip():
        _add(errors, "notes", _("Record what the review found."))
    if data.reviewed_on and data.reviewed_on > timezone.localdate():
        _add(errors, "reviewed_on", _("The date is in the future."))
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        p = _placement(case, placement_id)
        if p.status != k.PlacementStatus.ACTIVE:
            raise ValidationError(_("Only an active placement is reviewed."))
        if data.reviewed_on and data.reviewed_on < p.start_on:
            _add(errors, "reviewed_on", _("The review is before the placement started."))
        if (
            p.residential
            and data.outcome == k.ReviewOutcome.CONTINUE
            and not data.residential_justification.strip()
        ):
            _add(
                errors,
                "residential_justification",
                _("Continuing residential care needs its justification again (rule 36)."),
            )
        _raise(errors)
        r = PlacementReview.objects.create(
            case=case,
            placement=p,
            reviewed_on=data.reviewed_on,
            outcome=data.outcome,
            notes=data.notes,
            residential_justification=data.residential_justification,
            reviewer=actor,
            by_supervisor=can(actor, "approve"),
        )
        fields = []
        if data.siblings_apart_reason.strip():
            p.siblings_apart_reason = data.siblings_apart_reason
            fields.append("siblings_apart_reason")
        if data.outcome == k.ReviewOutcome.END:
            p.status = k.PlacementStatus.ENDED
            p.ended_on = data.reviewed_on
            p.end_reason = data.notes
            fields += ["status", "ended_on", "end_reason"]
        if fields:
            p.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor, action="create", obj=r, case_id=case.pk, detail={"outcome": r.outcome}
        )
        engine.schedule(case.pk)
    return r


def placement_end(*, actor, case_id, placement_id, ended_on: date, reason: str) -> Placement:
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        _add(errors, "reason", _("Say why the placement ended."))
    if ended_on and ended_on > timezone.localdate():
        _add(errors, "ended_on", _("The date is in the future."))
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        p = _placement(case, placement_id)
        if p.status != k.PlacementStatus.ACTIVE:
            raise ValidationError(_("This placement is not active."))
        if ended_on and ended_on < p.start_on:
            _add(errors, "ended_on", _("The end is before the start."))
        _raise(errors)
        p.status = k.PlacementStatus.ENDED
        p.ended_on = ended_on
        p.end_reason = reason
        p.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
        audit.record(actor=actor, action="change", obj=p, case_id=case.pk, detail={"ended": 1})
        engine.schedule(case.pk)
    return p


# --------------------------------------------------------------------------- guardianship


def guardian_appoint(
    *, actor, case_id, guardian_name: str, authority: str, appointed_on: date
) -> Guardianship:
    """Record the appointment of a guardian or legal representative (rule 40)."""
    errors: dict[str, list[str]] = {}
    if not guardian_name.strip():
        _add(errors, "guardian_name", _("Give the guardian's name."))
    if not authority.strip():
        _add(errors, "authority", _("Give the appointing authority."))
    if appointed_on and appointed_on > timezone.localdate():
        _add(errors, "appointed_on", _("The date is in the future."))
    _raise(errors)
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        for old in case.guardians.filter(ended_on__isnull=True):
            old.ended_on = appointed_on
            old.save(update_fields=["ended_on", "updated_at"])
        g = Guardianship.objects.create(
            case=case,
            guardian_name=guardian_name.strip(),
            authority=authority.strip(),
            appointed_on=appointed_on,
            recorded_by=actor,
        )
        audit.record(actor=actor, action="create", obj=g, case_id=case.pk)
        engine.schedule(case.pk)
    return g
