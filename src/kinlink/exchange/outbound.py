"""Outbound requests: draft, do-no-harm check, consent, supervisor approval, sending; the
outbox, follow-on messages and the shared timeline.

Disclosures are logged with action "disclose": who, which fields (names), to whom, basis
(DOMAIN.md rule 17). No child data is ever written to logs.
"""

from __future__ import annotations

import logging
import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.cases.models import Approval, Case
from kinlink.core import audit
from kinlink.core.models import SopProfile

from . import protocol
from .common import S
from .common import require as _require
from .deadlines import deadlines
from .models import (
    CrossBorderRequest,
    HeldMessage,
    OutboundMessage,
    PartnerNode,
    TimelineEntry,
)
from .partners import local_node
from .profiles import LEGAL_BASES, REQUEST_CODES, TYPES

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- outbound


SEX_OUT = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def request_prefill(case: Case, kind: str) -> dict:
    """What the case already knows for a type's profile (the caseworker edits the rest)."""
    child = case.child
    known = {
        "child_given_name": child.given_name,
        "child_family_name": child.family_name,
        "child_sex": SEX_OUT.get(child.sex, "unknown"),
        "child_date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        "child_age_years": child.age_years,
        "child_nationalities": [n for n in child.nationalities if re.fullmatch(r"[A-Z]{2}", n)],
        "child_languages": ", ".join(child.languages),
        "separation_date": case.separation_date.isoformat() if case.separation_date else None,
        "separation_place": case.separation_place,
    }
    names = TYPES[kind].field_names
    return {k: v for k, v in known.items() if k in names and v not in (None, "", [])}


def clean_fields(kind: str, fields: dict) -> dict:
    """Keep the non-empty values; refuse any field outside the type's profile (rule 15)."""
    if kind not in REQUEST_CODES:
        raise ValidationError({"kind": [_("Choose a request type.")]})
    allowed = set(TYPES[kind].field_names)
    extra = sorted(set(fields) - allowed)
    if extra:
        raise ValidationError(
            {
                "fields": [
                    _("Not part of this request type: %(names)s") % {"names": ", ".join(extra)}
                ]
            }
        )
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def check_envelope(type_: str, body: dict) -> None:
    """Refuse, before anything is stored or sent, a body its message type's schema refuses."""
    env = protocol.envelope(type=type_, sender="xx", recipient="yy", body=body)
    try:
        protocol.validate_envelope(env)
    except protocol.Rejected as exc:
        raise ValidationError(exc.reason) from None


def _validate_body(kind: str, body: dict) -> None:
    try:
        check_envelope(kind, body)
    except ValidationError as exc:
        raise ValidationError({"fields": exc.messages}) from None
    missing = [f.name for f in TYPES[kind].fields if f.required and f.name not in body["fields"]]
    if missing:
        raise ValidationError(
            {"fields": [_("Required: %(names)s") % {"names": ", ".join(missing)}]}
        )


def _request_body(req: CrossBorderRequest) -> dict:
    return {
        "ref": str(req.ref),
        "purpose": req.purpose,
        "legal_basis": req.legal_basis,
        "retention_days": req.retention_days,
        "urgent": req.urgent,
        "fields": req.fields or {},
    }


def request_draft(
    *,
    actor,
    case_id,
    partner_id,
    kind: str,
    fields: dict,
    purpose: str,
    legal_basis: str,
    urgent: bool = False,
    retention_days: int = 365,
) -> CrossBorderRequest:
    """A caseworker prepares an outbound request about one of their cases."""
    _require(actor, "work_case")
    case = Case.objects.restrict(actor, "change").filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied(_("No such case."))
    partner = PartnerNode.objects.filter(pk=partner_id).first()
    errors: dict[str, list[str]] = {}
    if partner is None or partner.status != PartnerNode.Status.ACTIVE:
        errors["partner"] = [_("Choose an active partner.")]
    if legal_basis not in LEGAL_BASES:
        errors["legal_basis"] = [_("Choose a legal basis.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("State the purpose.")]
    if not 1 <= int(retention_days or 0) <= 3650:
        errors["retention_days"] = [_("Between 1 and 3650 days.")]
    if errors:
        raise ValidationError(errors)
    cleaned = clean_fields(kind, fields)
    req = CrossBorderRequest(
        ref=uuid.uuid4(),
        direction=CrossBorderRequest.Direction.OUT,
        partner=partner,
        kind=kind,
        case=case,
        urgent=bool(urgent),
        purpose=purpose.strip()[:200],
        legal_basis=legal_basis,
        retention_days=int(retention_days),
        fields=cleaned,
        created_by=actor,
    )
    _validate_body(kind, _request_body(req))
    with transaction.atomic():
        req.save()
        _timeline(req, "local", "draft", actor=actor)
        audit.record(
            actor=actor,
            action="create",
            obj=req,
            case_id=case.pk,
            detail={"kind": kind, "partner": partner.node_id},
        )
    return req


def _own_request(actor, request_id, action="change") -> CrossBorderRequest:
    req = (
        CrossBorderRequest.objects.restrict(actor, action)
        .select_for_update(of=("self",))  # the scope joins case and trace (outer joins)
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        raise PermissionDenied(_("No such request."))
    return req


def request_harm_check(*, actor, request_id, risk: bool, note: str) -> CrossBorderRequest:
    """Hague 1996 Art. 37 / rule 16: record the do-no-harm check; a risk blocks sending and
    the decision not to transmit is recorded."""
    _require(actor, "work_case")
    with transaction.atomic():
        req = _own_request(actor, request_id)
        if not (note or "").strip():
            raise ValidationError({"note": [_("Say what you considered.")]})
        if req.direction != "out" or req.status not in (S.DRAFT, S.BLOCKED):
            raise ValidationError(_("Only a draft can be checked."))
        req.harm_check = "risk" if risk else "no_risk"
        req.harm_note = note.strip()
        req.harm_checked_by = actor
        req.harm_checked_at = timezone.now()
        req.status = S.BLOCKED if risk else S.DRAFT
        req.save()
        _timeline(req, "local", "harm_check", actor=actor, data={"risk": bool(risk)})
        audit.record(
            actor=actor,
            action="change",
            obj=req,
            case_id=req.case_id,
            detail={"harm_check": req.harm_check},
        )
    return req


def consent_for(req: CrossBorderRequest):
    """(consent or None, problem or "") for this request's purpose and recipient (rules
    13, 14, 17): a basis of consent needs a current consent that allows sharing across
    borders (and tracing, for a tracing request); nothing goes to a withheld recipient."""
    consents = list(req.case.consents.filter(withdrawn_at__isnull=True))
    for c in consents:
        w = (c.withhold_from or "").strip().casefold()
        if w and (
            w in req.partner.agency.casefold()
            or w == req.partner.country.casefold()
            or w in req.partner.node_id
        ):
            return None, _("The consent withholds information from this recipient.")
    if req.legal_basis != "consent":
        return None, ""
    for c in consents:
        if "cross_border" not in (c.share_with or []):
            continue
        if c.override_basis and c.override_state != "approved":
            continue
        if req.kind == "tracing_request" and not c.for_tracing:
            continue
        return c, ""
    return None, _("No current consent allows sharing with partners abroad for this purpose.")


def request_submit(*, actor, request_id) -> CrossBorderRequest:
    """Checks consent and the do-no-harm record, then asks a supervisor to approve."""
    _require(actor, "work_case")
    with transaction.atomic():
        req = _own_request(actor, request_id)
        if req.direction != "out" or req.status != S.DRAFT:
            raise ValidationError(_("Only a draft can be submitted."))
        if req.harm_check != "no_risk":
            raise ValidationError(_("Record the do-no-harm check first."))
        if req.trace_id:  # an encoded tracing query: no case, approved in exchange
            from .tracing_services import trace_consent_problem

            problem = trace_consent_problem(req)
            if problem:
                raise ValidationError(problem)
            req.status = S.PENDING_APPROVAL
            req.save()
        else:
            consent, problem = consent_for(req)
            if problem:
                raise ValidationError(problem)
            req.consent = consent
            req.status = S.PENDING_APPROVAL
            req.save()
            Approval.objects.create(
                case=req.case,
                subject=Approval.Subject.CROSSBORDER,
                subject_id=req.pk,
                requested_by=actor,
            )
        _timeline(req, "local", "submitted", actor=actor)
        audit.record(
            actor=actor, action="change", obj=req, case_id=req.case_id, detail={"submitted": True}
        )
    return req


def _approval_decided(case, approval, approved: bool) -> None:
    held = HeldMessage.objects.select_for_update().filter(pk=approval.subject_id).first()
    if held is not None:
        return _held_decided(held, approval, approved)
    req = (
        CrossBorderRequest.objects.system("approval")
        .select_for_update()
        .get(pk=approval.subject_id)
    )
    if req.status != S.PENDING_APPROVAL:
        raise ValidationError(_("This request is not waiting for approval."))
    if not approved:
        req.status = S.DRAFT
        req.save(update_fields=["status", "updated_at"])
        _timeline(req, "local", "returned", actor=approval.decided_by)
        return
    consent, problem = consent_for(req)  # consent may have changed since submission
    if problem:
        raise ValidationError(problem)
    req.approved_by = approval.decided_by
    _send_request(req, approval.decided_by)


def _send_request(req: CrossBorderRequest, approver) -> None:
    now = timezone.now()
    sop = SopProfile.current()
    msg = _enqueue(req, req.kind, _request_body(req), idem=f"request:{req.pk}", actor=approver)
    req.status = S.SENT
    req.sent_at = now
    req.acknowledge_due, req.response_due = deadlines(req.kind, req.urgent, now, sop)
    req.save()
    if req.case_id:
        from kinlink.alerts import engine as alert_engine

        alert_engine.schedule(req.case_id)  # deadlines start; a danger alert clears rule 42
    audit.record(
        actor=approver,
        action="disclose",
        obj=req,
        case_id=req.case_id,
        detail={
            "to": req.partner.node_id,
            "fields": sorted((req.fields or {}).keys()),
            "basis": req.legal_basis,
            "purpose": req.purpose,
            "message_id": str(msg.pk),
        },
    )


def _enqueue(req, type_: str, body: dict, *, idem: str, actor=None) -> OutboundMessage:
    """Seal a message to the request's partner and put it in the outbox (delivery starts
    after commit). The same idempotency key never produces a second message."""
    existing = OutboundMessage.objects.filter(partner=req.partner, idem=idem).first()
    if existing is not None:
        return existing
    local = local_node()
    peer = protocol.Peer(req.partner.node_id, req.partner.status, req.partner.jwks)
    message_id = uuid.uuid4()
    env = protocol.envelope(
        type=type_,
        sender=local.node_id,
        recipient=peer.node_id,
        body=body,
        idem=idem,
        message_id=str(message_id),
    )
    token = protocol.seal(env, local=local, peer=peer)
    msg = OutboundMessage.objects.create(
        id=message_id,
        partner=req.partner,
        request=req,
        type=type_,
        idem=idem,
        token=token,
        fields_sent=sorted(body.get("fields", {}).keys()) + sorted(body.get("corrected", {})),
        next_attempt_at=timezone.now(),
    )
    _timeline(
        req,
        "out",
        type_,
        actor=actor,
        message_id=message_id,
        data={"fields": body.get("fields", {})} if not TYPES[type_].request else None,
    )
    transaction.on_commit(lambda: _start_delivery(str(message_id)))
    return msg


def _start_delivery(message_id: str) -> None:
    from .tasks import deliver_message

    try:
        deliver_message.enqueue(message_id)
    except Exception:  # the periodic job picks it up
        log.exception("could not enqueue delivery of %s", message_id)


def _timeline(req, direction, kind, *, actor=None, message_id=None, data=None, at=None):
    return TimelineEntry.objects.create(
        request=req,
        at=at or timezone.now(),
        direction=direction,
        kind=kind,
        message_id=message_id,
        data=data,
        actor_name=actor.get_username() if getattr(actor, "is_authenticated", False) else "",
    )


FOLLOW_ON_BY = {
    # message type: which side may send it
    "acknowledgement": "in",
    "response": "in",
    "follow_up_report": "in",
    "status_update": "in",
    "tracing_result": "in",
    "restriction": "out",
    "correction": "out",
}


def message_send(
    *, actor, request_id, type_: str, fields: dict, corrected=None, idem: str | None = None
) -> OutboundMessage:
    """Send a follow-on message about a request (acknowledgement, follow-up report, ...)."""
    _require(actor, "exchange", "work_case")
    if type_ not in FOLLOW_ON_BY:
        raise ValidationError({"type": [_("Unknown message type.")]})
    with transaction.atomic():
        req = _own_request(actor, request_id)
        if details_need_approval(req, type_):
            return _hold(req, type_, fields, actor=actor)
        return _follow_on(req, type_, fields, corrected=corrected, actor=actor, idem=idem)


def details_need_approval(req, type_: str) -> bool:
    """A follow-up report that answers a partner's request for the details of a tracing match
    (an inbound information request naming one of our match references) carries the child's
    details: a supervisor approves it first, as on the asking side."""
    return (
        type_ == "follow_up_report"
        and req.direction == "in"
        and req.kind == "information_request"
        and bool((req.fields or {}).get("tracing_reference"))
    )


def _hold(req, type_: str, fields: dict, *, actor) -> HeldMessage:
    if req.restricted_at:
        raise ValidationError(_("This request is not open with the partner."))
    if not req.case_id:
        raise ValidationError(_("Link the request to the child's case first."))
    kept = _follow_on_body(req, type_, fields)["fields"]  # bad input refused now, not later
    held = HeldMessage.objects.create(request=req, type=type_, fields=kept, created_by=actor)
    Approval.objects.create(
        case=req.case,
        subject=Approval.Subject.CROSSBORDER,
        subject_id=held.pk,
        requested_by=actor,
    )
    _timeline(req, "local", "submitted", actor=actor)
    audit.record(
        actor=actor,
        action="change",
        obj=req,
        case_id=req.case_id,
        detail={"held_for_approval": type_, "fields": sorted(kept)},
    )
    return held


def _held_decided(held: HeldMessage, approval, approved: bool) -> None:
    if held.status != HeldMessage.Status.PENDING:
        raise ValidationError(_("This message is not waiting for approval."))
    req = CrossBorderRequest.objects.system("approval").select_for_update().get(pk=held.request_id)
    held.decided_at = timezone.now()
    if not approved:
        held.status = HeldMessage.Status.RETURNED
        held.save(update_fields=["status", "decided_at", "updated_at"])
        _timeline(req, "local", "returned", actor=approval.decided_by)
        return
    _follow_on(req, held.type, held.fields, actor=approval.decided_by, idem=f"held:{held.pk}")
    held.status = HeldMessage.Status.SENT
    held.save(update_fields=["status", "decided_at", "updated_at"])


def _follow_on_body(req, type_, fields, *, corrected=None) -> dict:
    """The checked body of a follow-on message on ``req`` (sent now or held for approval)."""
    if req.direction != FOLLOW_ON_BY[type_]:
        raise ValidationError(_("This message cannot be sent on this request."))
    if req.status in (S.DRAFT, S.BLOCKED, S.PENDING_APPROVAL, S.WITHDRAWN):
        raise ValidationError(_("This request is not open with the partner."))
    if req.partner.status != PartnerNode.Status.ACTIVE:
        raise ValidationError(_("The partner is suspended."))
    body = {"ref": str(req.ref), "fields": {k: v for k, v in fields.items() if v not in ("", None)}}
    if corrected is not None:
        body["corrected"] = corrected
    check_envelope(type_, body)
    return body


def _follow_on(req, type_, fields, *, corrected=None, actor=None, idem=None):
    body = _follow_on_body(req, type_, fields, corrected=corrected)
    msg = _enqueue(req, type_, body, idem=idem or f"{type_}:{uuid.uuid4()}", actor=actor)
    audit.record(
        actor=actor,
        action="disclose",
        obj=req,
        case_id=req.case_id,
        detail={
            "to": req.partner.node_id,
            "type": type_,
            "fields": msg.fields_sent,
            "message_id": str(msg.pk),
        },
    )
    return msg
