"""Writes of family tracing and reunification (DOMAIN.md rules 13, 21–26, 50).

Nothing is ever merged, confirmed or reunified automatically: the engine proposes, a
caseworker decides with a reason, a supervisor approves verification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role, can
from kinlink.cases import choices as cc
from kinlink.cases import hooks
from kinlink.cases.models import Approval, Case, FollowUp
from kinlink.cases.services import case_refresh_deadlines, lock_case_for_change
from kinlink.core import audit
from kinlink.core.models import SopProfile
from kinlink.core.validation import check_choice
from kinlink.matching.records import normalise_document

from . import choices as t
from .models import (
    CaseTracing,
    DuplicateCandidate,
    PotentialMatch,
    Reunification,
    Trace,
    TracingAction,
    TracingRequest,
    Verification,
)

UASC = (cc.ProtectionStatus.UNACCOMPANIED, cc.ProtectionStatus.SEPARATED)


# --------------------------------------------------------------------------- hooks


def on_case_changed(case_id, what: str) -> None:
    """Rule 21 on registration; then refresh matching (a task, never in the request)."""
    from .tasks import match_case

    if what == "registered":
        case_tracing_open(case_id)
    match_case.enqueue(str(case_id))


def case_tracing_open(case_id) -> CaseTracing | None:
    """An unaccompanied or separated child's case gets a tracing record (rule 21)."""
    case = Case.objects.system("rule 21").select_related("child").get(pk=case_id)
    if case.child.protection_status not in UASC:
        return None
    existing = CaseTracing.objects.system("rule 21").filter(case=case).first()
    if existing:
        return existing
    sop = SopProfile.current()
    ct = CaseTracing.objects.create(
        case=case,
        opened_at=timezone.now(),
        first_action_due_at=case.registered_at + timedelta(hours=sop.first_tracing_action_hours),
    )
    audit.record(actor=None, action="create", obj=ct, case_id=case.pk, detail={"rule": 21})
    return ct


def tracing_flags_set(
    *, actor: User, case_id, does_not_want_to_be_found: bool, trafficking_risk: bool, caafag: bool
) -> CaseTracing:
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        ct = CaseTracing.objects.system("flags").filter(case=case).first()
        if ct is None:
            raise ValidationError(_("This case has no tracing record."))
        ct.does_not_want_to_be_found = does_not_want_to_be_found
        ct.trafficking_risk = trafficking_risk
        ct.caafag = caafag
        ct.save()
        audit.record(actor=actor, action="change", obj=ct, case_id=case.pk)
    return ct


def photo_tracing_refusal(case: Case) -> str | None:
    """Rule 22: the reason photo tracing is not allowed for this child, or None."""
    ct = CaseTracing.objects.system("rule 22").filter(case=case).first()
    if ct and (ct.trafficking_risk or ct.caafag or ct.does_not_want_to_be_found):
        return _(
            "Photo tracing is not allowed for this child (trafficking, association with "
            "armed groups, or the child does not want to be found)."
        )
    has_photo_consent = case.consents.filter(for_photo=True, withdrawn_at__isnull=True).exists()
    if not has_photo_consent:
        return _("Photo tracing needs recorded consent to use photos.")
    return None


# --------------------------------------------------------------------------- requests


@dataclass
class TraceInput:
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    other_names: str = ""
    sex: str = cc.Sex.UNKNOWN
    date_of_birth: date | None = None
    age_years: int | None = None
    age_estimated: bool = True
    place_of_origin: str = ""
    mother_name: str = ""
    father_name: str = ""
    distinguishing_marks: str = ""
    document_number: str = ""  # birth certificate or passport, if the family has it


@dataclass
class RequestInput:
    enquirer_given_name: str
    enquirer_relationship: str
    inquiry_date: date
    enquirer_family_name: str = ""
    enquirer_phone: str = ""
    enquirer_address: str = ""
    enquirer_language: str = ""
    consent_to_share: bool = False
    consent_statistics: bool = False
    separation_date: date | None = None
    separation_place: str = ""
    separation_cause: str = t.SeparationCause.UNKNOWN
    notes: str = ""
    traces: list[TraceInput] = field(default_factory=list)


def _validate_trace(errors, i, tr: TraceInput, today: date):
    key = f"traces[{i}]"
    if not (tr.given_name.strip() or tr.family_name.strip() or tr.other_names.strip()):
        errors.setdefault(f"{key}.given_name", []).append(_("Give at least one name."))
    check_choice(errors, f"{key}.sex", tr.sex, cc.Sex)
    if tr.date_of_birth and tr.date_of_birth > today:
        errors.setdefault(f"{key}.date_of_birth", []).append(
            _("The date of birth is in the future.")
        )
    if tr.age_years is not None and tr.age_years > 25:
        errors.setdefault(f"{key}.age_years", []).append(_("This is not a child's age."))
    if tr.date_of_birth and tr.age_years is not None:
        computed = (
            today.year
            - tr.date_of_birth.year
            - ((today.month, today.day) < (tr.date_of_birth.month, tr.date_of_birth.day))
        )
        if abs(computed - tr.age_years) > 2:
            errors.setdefault(f"{key}.age_years", []).append(
                _("The age contradicts the date of birth.")
            )
    if len(tr.document_number) > 60:
        errors.setdefault(f"{key}.document_number", []).append(
            _("A document number has at most 60 characters.")
        )
    elif tr.document_number.strip() and not normalise_document(tr.document_number):
        errors.setdefault(f"{key}.document_number", []).append(
            _("Give the whole number: at least 4 letters or digits.")
        )


def tracing_request_create(*, actor: User, data: RequestInput) -> TracingRequest:
    if not can(actor, "work_case"):
        raise PermissionDenied(_("Your role may not do this."))
    today = timezone.now().date()
    errors: dict[str, list[str]] = {}
    if not data.enquirer_given_name.strip():
        errors["enquirer_given_name"] = [_("This field is required.")]
    check_choice(
        errors, "enquirer_relationship", data.enquirer_relationship, t.EnquirerRelationship
    )
    check_choice(errors, "separation_cause", data.separation_cause, t.SeparationCause)
    if data.inquiry_date > today:
        errors["inquiry_date"] = [_("This date is in the future.")]
    if data.separation_date and data.separation_date > today:
        errors["separation_date"] = [_("This date is in the future.")]
    if not data.traces:
        errors["traces"] = [_("Describe at least one child being sought.")]
    for i, tr in enumerate(data.traces):
        _validate_trace(errors, i, tr, today)
    if errors:
        raise ValidationError(errors)
    from .tasks import match_trace

    with transaction.atomic():
        year = today.year
        prefix = f"TR-{actor.agency.country}-{actor.office.code}-{year}-".upper()
        last = (
            TracingRequest.objects.system("numbering")
            .filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        fields = {k: v for k, v in data.__dict__.items() if k != "traces"}
        req = TracingRequest.objects.create(
            number=f"{prefix}{n:05d}",
            agency=actor.agency,
            office=actor.office,
            owner=actor,
            **fields,
        )
        for tr in data.traces:
            trace = Trace.objects.create(request=req, **tr.__dict__)
            transaction.on_commit(lambda pk=str(trace.pk): match_trace.enqueue(pk))
        audit.record(actor=actor, action="create", obj=req, detail={"traces": len(data.traces)})
    return req


def tracing_action_record(
    *,
    actor: User,
    method: str,
    done_on: date,
    description: str,
    outcome: str = t.ActionOutcome.PENDING,
    place: str = "",
    case_id=None,
    trace_id=None,
) -> TracingAction:
    errors: dict[str, list[str]] = {}
    check_choice(errors, "method", method, t.TracingMethod)
    check_choice(errors, "outcome", outcome, t.ActionOutcome)
    if done_on > timezone.now().date():
        errors["done_on"] = [_("This date is in the future.")]
    if not description.strip():
        errors["description"] = [_("Describe what was done.")]
    if bool(case_id) == bool(trace_id):
        errors["subject"] = [_("A tracing action belongs to one case or one sought child.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = trace = None
        if case_id:
            case = lock_case_for_change(actor, case_id)
            if method == t.TracingMethod.PHOTO and (why := photo_tracing_refusal(case)):
                raise ValidationError({"method": [why]})
        else:
            trace = Trace.objects.restrict(actor, "change").filter(pk=trace_id).first()
            if trace is None:
                raise PermissionDenied(_("You may not change this tracing request."))
            if trace.request.status == t.RequestStatus.CLOSED:
                raise ValidationError(_("This tracing request is closed."))
            if trace.status == t.TraceStatus.OPEN:
                trace.status = t.TraceStatus.IN_PROGRESS
                trace.save(update_fields=["status", "updated_at"])
        action = TracingAction.objects.create(
            case=case,
            trace=trace,
            done_on=done_on,
            method=method,
            place=place,
            description=description,
            outcome=outcome,
            author=actor,
        )
        audit.record(actor=actor, action="create", obj=action, case_id=case.pk if case else None)
    return action


FOUND_STATES = (t.TraceStatus.MATCHED, t.TraceStatus.VERIFIED, t.TraceStatus.REUNIFIED)


def tracing_request_close(
    *, actor: User, request_id, outcome: str, note: str = ""
) -> TracingRequest:
    """Close a tracing request with its outcome. Children still sought are closed with it and
    leave matching; their pending potential matches are withdrawn (decisions stay). "Found"
    needs a child of the request found (a confirmed match); any other outcome needs a note,
    and is refused while a child of the request was found."""
    errors: dict[str, list[str]] = {}
    check_choice(errors, "outcome", outcome, t.RequestOutcome)
    if len(note) > 2000:
        errors["note"] = [_("At most 2,000 characters.")]
    elif outcome != t.RequestOutcome.FOUND and not note.strip():
        errors["note"] = [_("Say why the request is closed.")]
    if errors:
        raise ValidationError(errors)
    from .tasks import match_trace

    with transaction.atomic():
        req = (
            TracingRequest.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk=request_id)
            .first()
        )
        if req is None or not can(actor, "work_case"):
            raise PermissionDenied(_("You may not change this tracing request."))
        if req.status == t.RequestStatus.CLOSED:
            raise ValidationError(_("This tracing request is closed."))
        traces = list(req.traces.all())
        found = [tr for tr in traces if tr.status in FOUND_STATES]
        if outcome == t.RequestOutcome.FOUND and not found:
            raise ValidationError(
                {"outcome": [_("No child of this request was found: confirm a match first.")]}
            )
        if outcome != t.RequestOutcome.FOUND and found:
            raise ValidationError(
                {"outcome": [_("A child of this request was found: close it as found.")]}
            )
        now = timezone.now()
        still_sought = [tr.pk for tr in traces if tr.status not in FOUND_STATES]
        Trace.objects.system("closing a tracing request").filter(pk__in=still_sought).update(
            status=t.TraceStatus.CLOSED, resolved_at=now, updated_at=now
        )
        withdrawn, _by_model = (
            PotentialMatch.objects.system("closing a tracing request")
            .filter(trace__request=req, state=t.MatchState.PENDING)
            .delete()
        )
        req.status = t.RequestStatus.CLOSED
        req.closed_at = now
        req.closure_outcome = outcome
        req.closure_note = note.strip()
        req.save(
            update_fields=["status", "closed_at", "closure_outcome", "closure_note", "updated_at"]
        )
        for pk in still_sought:  # out of the traces index
            transaction.on_commit(lambda pk=str(pk): match_trace.enqueue(pk))
        audit.record(
            actor=actor,
            action="change",
            obj=req,
            detail={"closed": outcome, "pending_matches_withdrawn": withdrawn},
        )
    return req


# --------------------------------------------------------------------------- matches


def _match_on_request_side(actor, match_id) -> PotentialMatch | None:
    """The match, locked, if ``actor`` may change the tracing request it belongs to."""
    return (
        PotentialMatch.objects.select_for_update()
        .filter(pk=match_id, trace__in=Trace.objects.restrict(actor, "change"))
        .system("scoped through the trace")
        .first()
    )


def match_review(*, actor: User, match_id, confirm: bool, reason: str) -> PotentialMatch:
    """The requesting caseworker confirms or rejects a potential match, with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for your decision.")]})
    with transaction.atomic():
        match = _match_on_request_side(actor, match_id)
        if match is None:
            raise PermissionDenied(_("You may not review this match."))
        if match.state != t.MatchState.PENDING:
            raise ValidationError(_("This match was already reviewed."))
        match.state = t.MatchState.CONFIRMED if confirm else t.MatchState.REJECTED
        match.reviewed_by = actor
        match.reviewed_at = timezone.now()
        match.review_reason = reason
        match.save()
        if confirm:
            trace = match.trace
            trace.status = t.TraceStatus.MATCHED
            trace.matched_case_id = match.case_id
            trace.resolved_at = trace.resolved_at or match.reviewed_at
            trace.save(update_fields=["status", "matched_case", "resolved_at", "updated_at"])
        audit.record(
            actor=actor,
            action="approve" if confirm else "reject",
            obj=match,
            case_id=match.case_id,
            detail={"trace": str(match.trace_id)},
        )
    return match


def match_disclosure_request(*, actor: User, match_id) -> PotentialMatch:
    """The requesting side asks the child's case owner to disclose the child's details."""
    with transaction.atomic():
        match = _match_on_request_side(actor, match_id)
        if match is None:
            raise PermissionDenied(_("You may not act on this match."))
        if match.disclosure:
            raise ValidationError(_("Disclosure was already requested."))
        match.disclosure = t.DisclosureState.REQUESTED
        match.save(update_fields=["disclosure", "updated_at"])
        audit.record(actor=actor, action="change", obj=match, detail={"disclosure": "requested"})
    return match


def match_disclosure_decide(*, actor: User, match_id, agree: bool) -> PotentialMatch:
    """The child's side decides whether the requesting caseworker may see the child."""
    with transaction.atomic():
        match = (
            PotentialMatch.objects.select_for_update()
            .filter(pk=match_id, case__in=Case.objects.restrict(actor, "change"))
            .system("scoped through the case")
            .first()
        )
        if match is None:
            raise PermissionDenied(_("You may not decide on this child's disclosure."))
        if match.disclosure != t.DisclosureState.REQUESTED:
            raise ValidationError(_("No disclosure was requested."))
        match.disclosure = t.DisclosureState.AGREED if agree else t.DisclosureState.REFUSED
        match.disclosure_decided_by = actor
        match.save(update_fields=["disclosure", "disclosure_decided_by", "updated_at"])
        audit.record(
            actor=actor,
            action="disclose" if agree else "reject",
            obj=match,
            case_id=match.case_id,
            detail={"to_request": str(match.trace.request_id)},
        )
    return match


# --------------------------------------------------------------------------- verification


@dataclass
class VerificationInput:
    adult_name: str
    relationship: str
    adult_address: str = ""
    child_knows_adult: bool | None = None
    child_wishes_reunification: bool | None = None
    adult_willing: bool | None = None
    adult_able: bool | None = None
    information_matches: bool | None = None
    home_visit_done: bool = False
    interviews: dict | None = None
    recommendation: str = ""
    trace_id: str | None = None


REUNIFY = (t.Recommendation.REUNIFY, t.Recommendation.REUNIFY_WITH_SUPPORT)


def verification_validate(data: VerificationInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.adult_name.strip():
        errors["adult_name"] = [_("This field is required.")]
    check_choice(errors, "relationship", data.relationship, cc.Relationship)
    check_choice(errors, "recommendation", data.recommendation, t.Recommendation, blank=True)
    if data.recommendation in REUNIFY:
        # Rule 24: the child's wishes, the adult's willingness and capacity, both sides match.
        checks = {
            "child_wishes_reunification": _(
                "The child has not said they wish to be reunified with this adult."
            ),
            "adult_willing": _("The adult has not said they want the child to live with them."),
            "adult_able": _("The adult's capacity to care for the child is not established."),
            "information_matches": _("What the child and the adult say does not match."),
        }
        for name, msg in checks.items():
            if getattr(data, name) is not True:
                errors.setdefault(name, []).append(msg)
    return errors


def verification_create(*, actor: User, case_id, data: VerificationInput) -> Verification:
    errors = verification_validate(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        trace = None
        if data.trace_id:
            trace = (
                Trace.objects.system("verification")
                .filter(pk=data.trace_id, matched_case=case)
                .first()
            )
            if trace is None:
                raise ValidationError(
                    {"trace_id": [_("This sought child is not matched to this case.")]}
                )
        fields = {k: v for k, v in data.__dict__.items() if k != "trace_id"}
        v = Verification.objects.create(case=case, trace=trace, author=actor, **fields)
        audit.record(actor=actor, action="create", obj=v, case_id=case.pk)
    return v


def verification_submit(*, actor: User, case_id, verification_id, status: str) -> Verification:
    """Record the verification result and ask a supervisor to approve it (rule 23)."""
    errors: dict[str, list[str]] = {}
    check_choice(errors, "status", status, t.VerificationStatus)
    if status == t.VerificationStatus.PENDING:
        errors["status"] = [_("Choose the result of the verification.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        v = case.verifications.filter(pk=verification_id).first()
        if v is None:
            raise PermissionDenied(_("No such verification on this case."))
        if v.approval_state not in (cc.ApprovalState.DRAFT, cc.ApprovalState.REJECTED):
            raise ValidationError(_("This verification was already submitted."))
        if status == t.VerificationStatus.VERIFIED:
            more = verification_validate(
                VerificationInput(
                    **{
                        k: getattr(v, k)
                        for k in VerificationInput.__dataclass_fields__
                        if k not in ("trace_id", "interviews")
                    }
                )
            )
            # Rule 24: a verification captures every answer, and both sides must agree.
            for name in (
                "child_knows_adult",
                "child_wishes_reunification",
                "adult_willing",
                "adult_able",
                "information_matches",
            ):
                if getattr(v, name) is None:
                    more.setdefault(name, []).append(_("Record this answer before verifying."))
            if v.information_matches is False:
                more.setdefault("information_matches", []).append(
                    _(
                        "What the child and the adult say does not match: the relationship is "
                        "not verified."
                    )
                )
            if not v.recommendation:
                more["recommendation"] = [_("Record a recommendation.")]
            if more:
                raise ValidationError(more)
        v.status = status
        v.verified_on = timezone.now().date()
        v.approval_state = cc.ApprovalState.PENDING
        v.save()
        Approval.objects.create(
            case=case, subject=Approval.Subject.VERIFICATION, subject_id=v.pk, requested_by=actor
        )
        case_refresh_deadlines(case)
        audit.record(
            actor=actor, action="change", obj=v, case_id=case.pk, detail={"submitted": status}
        )
    return v


def _verification_decided(case: Case, approval: Approval, approved: bool) -> None:
    v = case.verifications.get(pk=approval.subject_id)
    v.approval_state = cc.ApprovalState.APPROVED if approved else cc.ApprovalState.REJECTED
    v.save(update_fields=["approval_state", "updated_at"])
    if approved and v.status == t.VerificationStatus.VERIFIED and v.trace_id:
        Trace.objects.system("verification").filter(pk=v.trace_id).update(
            status=t.TraceStatus.VERIFIED
        )


# --------------------------------------------------------------------------- reunification


@dataclass
class ReunificationInput:
    verification_id: str
    place: str
    reunified_on: date
    kind: str
    with_verified_adult: bool = True
    adult_name: str = ""
    relationship: str = ""
    deviation_reason: str = ""


def reunification_record(*, actor: User, case_id, data: ReunificationInput) -> Reunification:
    errors: dict[str, list[str]] = {}
    check_choice(errors, "kind", data.kind, t.ReunificationType)
    if not data.place.strip():
        errors["place"] = [_("This field is required.")]
    if data.reunified_on > timezone.now().date():
        errors["reunified_on"] = [_("This date is in the future.")]
    if not data.with_verified_adult:
        if not data.deviation_reason.strip():
            errors["deviation_reason"] = [
                _("Say why the child was reunified with someone other than the verified adult.")
            ]
        if not data.adult_name.strip():
            errors["adult_name"] = [_("Name the adult the child was reunified with.")]
        check_choice(errors, "relationship", data.relationship, cc.Relationship)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        v = case.verifications.filter(pk=data.verification_id).first()
        if (
            v is None
            or v.status != t.VerificationStatus.VERIFIED
            or v.approval_state != cc.ApprovalState.APPROVED
            or v.recommendation not in REUNIFY
        ):
            # Rule 23: only after a verification that a supervisor approved.
            raise ValidationError(
                {
                    "verification_id": [
                        _(
                            "Reunification needs a verification recommending it, verified "
                            "and approved by a supervisor."
                        )
                    ]
                }
            )
        reu = Reunification.objects.create(
            case=case,
            verification=v,
            place=data.place,
            reunified_on=data.reunified_on,
            kind=data.kind,
            with_verified_adult=data.with_verified_adult,
            adult_name=v.adult_name if data.with_verified_adult else data.adult_name,
            relationship=v.relationship if data.with_verified_adult else data.relationship,
            deviation_reason=data.deviation_reason,
            author=actor,
        )
        sop = SopProfile.current()
        # Rule 26: post-reunification follow-up scheduled now.
        FollowUp.objects.create(
            case=case,
            kind=cc.FollowUpKind.AFTER_REUNIFICATION,
            author=case.owner,
            due_on=data.reunified_on + timedelta(days=sop.reunification_first_followup_days),
        )
        if v.trace_id:
            Trace.objects.system("reunification").filter(pk=v.trace_id).update(
                status=t.TraceStatus.REUNIFIED
            )
        CaseTracing.objects.system("reunification").filter(case=case).update(
            status=t.RequestStatus.CLOSED
        )
        case_refresh_deadlines(case)
        audit.record(
            actor=actor,
            action="create",
            obj=reu,
            case_id=case.pk,
            detail={"with_verified_adult": data.with_verified_adult},
        )
    return reu


def post_reunification_closure_check(case: Case) -> list[str]:
    """Rule 26: minimum follow-up visits and monitoring period after reunification."""
    reu = case.reunifications.order_by("-reunified_on").first()
    if reu is None:
        return []
    sop = SopProfile.current()
    done = case.followups.filter(
        kind=cc.FollowUpKind.AFTER_REUNIFICATION, done_on__isnull=False
    ).count()
    msgs = []
    if done < sop.reunification_min_followups:
        msgs.append(
            _(
                "After reunification, at least %(n)s follow-up visits are needed before "
                "closure (%(done)s done)."
            )
            % {"n": sop.reunification_min_followups, "done": done}
        )
    days = (timezone.now().date() - reu.reunified_on).days
    if days < sop.reunification_min_monitoring_days:
        msgs.append(
            _("The child must be monitored for %(n)s days after reunification (%(days)s so far).")
            % {"n": sop.reunification_min_monitoring_days, "days": days}
        )
    return msgs


# --------------------------------------------------------------------------- duplicates


def duplicate_decide(
    *, actor: User, duplicate_id, same_child: bool, reason: str, keep_case_id=None
) -> DuplicateCandidate:
    """A person decides whether two records are the same child; the other case is marked
    duplicate (never deleted), with an audit trail on both."""
    if actor.role not in (Role.SUPERVISOR, Role.CASEWORKER):
        raise PermissionDenied(_("Your role may not do this."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for your decision.")]})
    with transaction.atomic():
        dup = (
            DuplicateCandidate.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk=duplicate_id)
            .first()
        )
        if dup is None:
            raise PermissionDenied(_("You may not decide on this pair."))
        if dup.state != t.DuplicateState.PENDING:
            raise ValidationError(_("This pair was already decided."))
        dup.state = t.DuplicateState.DUPLICATE if same_child else t.DuplicateState.DISTINCT
        dup.decided_by = actor
        dup.decided_at = timezone.now()
        dup.reason = reason
        if same_child:
            ids = {str(dup.case_a_id), str(dup.case_b_id)}
            if str(keep_case_id) not in ids:
                raise ValidationError({"keep_case_id": [_("Choose which case to keep.")]})
            (other_id,) = ids - {str(keep_case_id)}
            Case.objects.system("duplicate decision").filter(pk=other_id).update(
                status=cc.CaseStatus.DUPLICATE, next_due_at=None, next_due_kind=""
            )
            audit.record(
                actor=actor,
                action="change",
                object_type="cases.case",
                object_id=other_id,
                case_id=other_id,
                detail={"duplicate_of": str(keep_case_id)},
            )
            hooks.notify_case_changed(other_id, "status")
        dup.save()
        audit.record(
            actor=actor,
            action="change",
            obj=dup,
            case_id=keep_case_id,
            detail={"same_child": same_child},
        )
    return dup


hooks.approval_handlers[Approval.Subject.VERIFICATION] = _verification_decided
hooks.closure_checks.append(post_reunification_closure_check)
hooks.case_changed.append(on_case_changed)
