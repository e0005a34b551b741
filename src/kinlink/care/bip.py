"""Best-interests procedures and durable solutions (DOMAIN.md section 3, rules 27–32)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import can
from kinlink.alerts import engine
from kinlink.cases import choices as cc
from kinlink.core import audit
from kinlink.core.models import SopProfile
from kinlink.core.validation import is_code

from . import choices as k
from .models import BestInterestsProcess, BidPanelMember, DurableSolution
from .services import _add, _case_for_change, _raise

UASC = {cc.ProtectionStatus.UNACCOMPANIED, cc.ProtectionStatus.SEPARATED}
MIN_PANEL = 3


def _process(case, process_id) -> BestInterestsProcess:
    bp = case.bips.select_for_update().filter(pk=process_id).first()
    if bp is None:
        raise PermissionDenied(_("No such best-interests process on this case."))
    return bp


def bip_start(*, actor, case_id, kind: str, trigger: str, reviews_id=None) -> BestInterestsProcess:
    """Open a BIA, a BID or a BID review. A BID review refers to a completed BID (rule 32)."""
    errors: dict[str, list[str]] = {}
    if kind not in k.BipKind.values:
        _add(errors, "kind", _("Choose the kind of process."))
    if trigger not in k.BipTrigger.values:
        _add(errors, "trigger", _("Say why the process is needed."))
    _raise(errors)
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        reviewed = None
        if kind == k.BipKind.BID_REVIEW:
            reviewed = case.bips.filter(
                pk=reviews_id, kind=k.BipKind.BID, status=k.BipStatus.COMPLETED
            ).first()
            if reviewed is None:
                raise ValidationError(
                    {"reviews_id": [_("A BID review refers to a completed BID of this case.")]}
                )
        bp = BestInterestsProcess.objects.create(
            case=case, kind=kind, trigger=trigger, author=actor, reviews=reviewed
        )
        audit.record(actor=actor, action="create", obj=bp, case_id=case.pk, detail={"kind": kind})
        engine.schedule(case.pk)
    return bp


def bia_complete(
    *, actor, case_id, process_id, child_views: str, findings: str, recommendation: str
) -> BestInterestsProcess:
    errors: dict[str, list[str]] = {}
    if not child_views.strip():
        _add(errors, "child_views", _("Record the child's views."))
    if not findings.strip():
        _add(errors, "findings", _("Record the findings."))
    if not recommendation.strip():
        _add(errors, "decision", _("Record the recommendation."))
    _raise(errors)
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        bp = _process(case, process_id)
        if bp.kind not in k.BIA_KINDS or bp.completed:
            raise ValidationError(_("This is not an open best interests assessment."))
        bp.child_views, bp.findings, bp.decision = child_views, findings, recommendation
        bp.status = k.BipStatus.COMPLETED
        bp.decided_on = timezone.localdate()
        bp.save()
        audit.record(actor=actor, action="change", obj=bp, case_id=case.pk, detail={"done": 1})
        engine.schedule(case.pk)
    return bp


def _bia_authors(case) -> set:
    return set(case.bips.filter(kind__in=list(k.BIA_KINDS)).values_list("author_id", flat=True))


def bid_panel_add(
    *,
    actor,
    case_id,
    process_id,
    name: str,
    user_id=None,
    expertise: str = "",
    confidentiality_signed: bool = False,
) -> BidPanelMember:
    """Add a panel member: never someone who wrote a BIA of this child (rule 31)."""
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        bp = _process(case, process_id)
        if bp.kind not in (k.BipKind.BID, k.BipKind.BID_REVIEW) or bp.completed:
            raise ValidationError(_("Panel members are added to an open BID."))
        errors: dict[str, list[str]] = {}
        member_user = None
        if user_id:
            member_user = User.objects.filter(pk=user_id, is_active=True).first()
            if member_user is None:
                _add(errors, "user_id", _("No such user."))
            elif member_user.pk in _bia_authors(case):
                _add(
                    errors,
                    "user_id",
                    _("Whoever wrote the child's BIA may not sit on the BID panel (rule 31)."),
                )
            elif bp.panel.filter(user=member_user).exists():
                _add(errors, "user_id", _("Already on the panel."))
        if not (name.strip() or member_user):
            _add(errors, "name", _("Give the member's name."))
        _raise(errors)
        m = BidPanelMember.objects.create(
            process=bp,
            user=member_user,
            name=name.strip() or member_user.get_full_name() or member_user.get_username(),
            expertise=expertise,
            confidentiality_signed=confidentiality_signed,
        )
        audit.record(actor=actor, action="create", obj=m, case_id=case.pk)
    return m


@dataclass
class BidDecision:
    child_views: str
    decision: str
    reasons: str
    review_on: date | None
    tracing_exhausted: bool = False
    parental_consent: bool = False


def bid_decide(*, actor, case_id, process_id, data: BidDecision) -> BestInterestsProcess:
    """Record the panel's decision: rules 31 (panel) and 32 (review date) are checked."""
    errors: dict[str, list[str]] = {}
    if not data.child_views.strip():
        _add(errors, "child_views", _("Record the child's views (rule 31)."))
    if not data.decision.strip():
        _add(errors, "decision", _("Record the decision."))
    if not data.reasons.strip():
        _add(errors, "reasons", _("Give the reasons."))
    if not data.review_on:
        _add(errors, "review_on", _("A BID has a review date (rule 32)."))
    elif data.review_on <= timezone.localdate():
        _add(errors, "review_on", _("The review date must be in the future."))
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        bp = _process(case, process_id)
        if bp.kind not in (k.BipKind.BID, k.BipKind.BID_REVIEW) or bp.completed:
            raise ValidationError(_("This is not an open BID."))
        panel = list(bp.panel.all())
        authors = _bia_authors(case)
        if len(panel) < MIN_PANEL:
            _add(
                errors,
                "panel",
                _("A BID panel has at least %(n)s members (rule 31).") % {"n": MIN_PANEL},
            )
        if any(not m.confidentiality_signed for m in panel):
            _add(
                errors,
                "panel",
                _("Every panel member signs the undertaking of confidentiality (rule 31)."),
            )
        if any(m.user_id in authors for m in panel if m.user_id):
            _add(errors, "panel", _("A panel member wrote the child's BIA (rule 31)."))
        _raise(errors)
        bp.child_views, bp.decision, bp.reasons = data.child_views, data.decision, data.reasons
        bp.review_on = data.review_on
        bp.tracing_exhausted = data.tracing_exhausted
        bp.parental_consent = data.parental_consent
        bp.decided_on = timezone.localdate()
        bp.status = k.BipStatus.COMPLETED
        bp.save()
        audit.record(actor=actor, action="change", obj=bp, case_id=case.pk, detail={"done": 1})
        engine.schedule(case.pk)
    return bp


def bid_reopen(*, actor, case_id, process_id, review_id, reason: str) -> BestInterestsProcess:
    """Rule 32: a supervisor reopens a completed BID on a completed BID review report that
    refers to it. The reopened BID keeps its decision (status "reopened": it no longer
    counts as a completed BID, e.g. for rule 28) and a new BID with the same trigger opens
    for the panel to determine again. Returns the new BID."""
    if not can(actor, "approve"):
        raise PermissionDenied(_("Only a supervisor reopens a best interests determination."))
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        _add(errors, "reason", _("Say why the BID is reopened."))
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        bid = _process(case, process_id)
        if bid.kind != k.BipKind.BID or bid.status != k.BipStatus.COMPLETED:
            raise ValidationError(_("Only a completed BID can be reopened."))
        review = None
        if review_id:
            review = case.bips.filter(pk=review_id, kind=k.BipKind.BID_REVIEW).first()
        if review is None or review.reviews_id != bid.pk or not review.completed:
            _add(
                errors,
                "review_id",
                _(
                    "Reopening a BID requires a completed BID review report that refers to "
                    "this BID (rule 32)."
                ),
            )
        _raise(errors)
        today = timezone.localdate()
        bid.status = k.BipStatus.REOPENED
        bid.reopened_on = today
        bid.reopen_reason = reason.strip()
        bid.reopened_by_review = review
        bid.save()
        new = BestInterestsProcess.objects.create(
            case=case, kind=k.BipKind.BID, trigger=bid.trigger, author=actor, reopens=bid
        )
        audit.record(
            actor=actor,
            action="change",
            obj=bid,
            case_id=case.pk,
            detail={"reopened": 1, "review": str(review.pk), "new_bid": str(new.pk)},
        )
        audit.record(
            actor=actor, action="create", obj=new, case_id=case.pk, detail={"kind": new.kind}
        )
        engine.schedule(case.pk)
    return new


# --------------------------------------------------------------------------- durable solutions


@dataclass
class SolutionInput:
    kind: str
    with_one_parent: bool = False
    sole_custody: bool = False
    other_parent_dead: bool = False
    other_parent_consent: bool = False
    return_country: str = ""
    pre_return_assessment: str = ""
    receiving_agency: str = ""
    followup_plan: str = ""


RETURN_FIELDS = ("return_country", "pre_return_assessment", "receiving_agency", "followup_plan")


def _rule44(case, s) -> dict[str, list[str]]:
    """A return (voluntary repatriation) is implemented only with a pre-return family
    assessment in the country of return, a completed BID or BIA, a receiving agency and a
    follow-up plan (rule 44). Returns the missing items by field."""
    if s.kind != k.SolutionKind.REPATRIATION:
        return {}
    missing: dict[str, list[str]] = {}
    if not s.return_country:
        missing["return_country"] = [_("Give the country of return (rule 44).")]
    if not s.pre_return_assessment.strip():
        missing["pre_return_assessment"] = [
            _("Record the family assessment made in the country of return (rule 44).")
        ]
    if not s.receiving_agency.strip():
        missing["receiving_agency"] = [_("Name the agency that receives the child (rule 44).")]
    if not s.followup_plan.strip():
        missing["followup_plan"] = [_("Write the follow-up plan after return (rule 44).")]
    kinds = [k.BipKind.BID, *k.BIA_KINDS]
    if not case.bips.filter(kind__in=kinds, status=k.BipStatus.COMPLETED).exists():
        missing.setdefault("__all__", []).append(
            _("A return needs a completed best interests determination or assessment (rule 44).")
        )
    return missing


def _clean_return(errors: dict, data) -> None:
    code = (data.return_country or "").strip().upper()
    if code and not is_code(code):
        errors["return_country"] = [_("Use the two-letter country code.")]
    data.return_country = code


def _completed_bid(case, *, for_adoption: bool = False):
    qs = case.bips.filter(kind=k.BipKind.BID, status=k.BipStatus.COMPLETED).order_by("-decided_on")
    if for_adoption:
        return next((b for b in qs if b.tracing_exhausted or b.parental_consent), None)
    return qs.first()


def _rule30(case, s) -> str | None:
    """Resettlement with one parent lacking sole custody needs a completed BIA (rule 30)."""
    if s.kind != k.SolutionKind.RESETTLEMENT or not s.with_one_parent:
        return None
    if s.sole_custody or s.other_parent_dead or s.other_parent_consent:
        return None
    if case.bips.filter(kind__in=list(k.BIA_KINDS), status=k.BipStatus.COMPLETED).exists():
        return None
    return _(
        "Resettlement with one parent who lacks sole custody needs a completed best "
        "interests assessment, unless the other parent consented in writing or is proven "
        "dead (rule 30)."
    )


def _rule27(case, sop: SopProfile) -> str | None:
    """No adoption or permanent placement for a UASC while tracing runs (rule 27)."""
    if case.child.protection_status not in UASC:
        return None
    tracing = getattr(case, "tracing", None)
    tracing_open = tracing is not None and tracing.status == "open"
    too_soon = timezone.now() - case.registered_at < timedelta(
        days=sop.tracing_period_before_adoption_days
    )
    if not (tracing_open or too_soon):
        return None
    if _completed_bid(case, for_adoption=True):
        return None
    return _(
        "Adoption or a permanent placement cannot be proposed while tracing is open or "
        "before %(days)s days of tracing, unless a BID records that tracing is exhausted or "
        "that the parents consent (rule 27)."
    ) % {"days": sop.tracing_period_before_adoption_days}


def solution_propose(*, actor, case_id, data: SolutionInput) -> DurableSolution:
    if data.kind not in k.SolutionKind.values:
        raise ValidationError({"kind": [_("Choose a durable solution.")]})
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        if data.kind == k.SolutionKind.ADOPTION:
            refusal = _rule27(case, SopProfile.current())
            if refusal:
                raise ValidationError({"kind": [refusal]})
        errors: dict[str, list[str]] = {}
        _clean_return(errors, data)
        if errors:
            raise ValidationError(errors)
        s = DurableSolution(case=case, proposed_by=actor, **data.__dict__)
        refusal = _rule30(case, s)
        if refusal:
            raise ValidationError({"with_one_parent": [refusal]})
        s.save()
        audit.record(actor=actor, action="create", obj=s, case_id=case.pk, detail={"kind": s.kind})
    return s


def solution_implement(
    *,
    actor,
    case_id,
    solution_id,
    implemented_on: date,
    exception_reason: str = "",
    **return_details: str,
) -> DurableSolution:
    """Rule 28: a UASC's durable solution is implemented only on a completed BID, or on a
    documented exception a supervisor records. Rule 44: a return also needs its pre-return
    assessment, BID or BIA, receiving agency and follow-up plan (``return_details`` may
    complete what the proposal left empty)."""
    unknown = set(return_details) - set(RETURN_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    with transaction.atomic():
        case = _case_for_change(actor, case_id)
        s = case.solutions.select_for_update().filter(pk=solution_id).first()
        if s is None:
            raise PermissionDenied(_("No such durable solution on this case."))
        if s.status != k.SolutionStatus.PROPOSED:
            raise ValidationError(_("This solution is not proposed."))
        if implemented_on > timezone.localdate():
            raise ValidationError({"implemented_on": [_("The date is in the future.")]})
        refusal = _rule30(case, s)
        if refusal:
            raise ValidationError(refusal)
        given = SolutionInput(kind=s.kind, **{f: v for f, v in return_details.items() if v})
        errors: dict[str, list[str]] = {}
        _clean_return(errors, given)
        if errors:
            raise ValidationError(errors)
        for f in RETURN_FIELDS:
            if getattr(given, f):
                setattr(s, f, getattr(given, f))
        missing = _rule44(case, s)
        if missing:
            raise ValidationError(missing)
        needs_bid = case.child.protection_status in UASC and s.kind in k.NEEDS_BID
        bid = _completed_bid(case)
        if needs_bid and bid is None:
            if not exception_reason.strip():
                raise ValidationError(
                    {
                        "exception_reason": [
                            _(
                                "This durable solution needs a completed best interests "
                                "determination, or a documented exception (rule 28)."
                            )
                        ]
                    }
                )
            if not can(actor, "approve"):
                raise ValidationError(
                    {"exception_reason": [_("Only a supervisor records an exception.")]}
                )
            s.exception_reason = exception_reason
            s.exception_approved_by = actor
        s.bid = bid
        s.status = k.SolutionStatus.IMPLEMENTED
        s.implemented_on = implemented_on
        s.save()
        audit.record(actor=actor, action="change", obj=s, case_id=case.pk, detail={"done": 1})
    return s
