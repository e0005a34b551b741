"""Writes of the exchange app: node keys, partners, outbound requests, the inbox.

Every function is atomic and validating; bad input raises ValidationError and stores nothing.
Disclosures are logged with action "disclose": who, which fields (names), to whom, basis
(DOMAIN.md rule 17). No child data is ever written to logs.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.cases import hooks
from kinlink.cases.models import Approval, Case
from kinlink.core import audit
from kinlink.core.models import SopProfile

from . import protocol
from .models import (
    CrossBorderRequest,
    InboundMessage,
    NodeKey,
    NodeProfile,
    OutboundMessage,
    PartnerNode,
    RequestStatus,
    TimelineEntry,
)
from .profiles import LEGAL_BASES, REQUEST_CODES, TYPES

log = logging.getLogger(__name__)
NODE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,62}$")
KEY_GRACE = timedelta(days=30)  # retired keys stay published (and decrypt) this long
S = RequestStatus


def _require(user, *capabilities: str) -> None:
    if not any(can(user, c) for c in capabilities):
        raise PermissionDenied(_("Your role may not do this."))


# --------------------------------------------------------------------------- this node


def node_setup(*, actor=None, node_id: str, country: str, agency: str, endpoint: str):
    """Describe this node and create its first key pairs (idempotent for the keys)."""
    if actor is not None:
        _require(actor, "manage_exchange")
    errors: dict[str, list[str]] = {}
    if not NODE_ID_RE.match(node_id or ""):
        errors["node_id"] = [_("Use 2–63 lower-case letters, digits, dots or hyphens.")]
    if not re.fullmatch(r"[A-Z]{2}", country or ""):
        errors["country"] = [_("Use a two-letter country code.")]
    if not (agency or "").strip():
        errors["agency"] = [_("This field is required.")]
    if not (endpoint or "").startswith("https://"):
        errors["endpoint"] = [_("The address must start with https://.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _created = NodeProfile.objects.update_or_create(
            pk=1,
            defaults={
                "node_id": node_id,
                "country": country,
                "agency": agency.strip(),
                "endpoint": endpoint.rstrip("/"),
            },
        )
        for use in (NodeKey.Use.SIG, NodeKey.Use.ENC):
            if not NodeKey.objects.filter(use=use, retired_at__isnull=True).exists():
                _new_key(use)
        audit.record(actor=actor, action="change", obj=profile, detail={"node_id": node_id})
    return profile


def _new_key(use: str) -> NodeKey:
    key = protocol.new_signing_key() if use == "sig" else protocol.new_encryption_key()
    return NodeKey.objects.create(
        use=use,
        kid=key.thumbprint(),
        private_jwk=key.as_dict(private=True),
        public_jwk=protocol.public_jwk(key),
    )


def node_rotate_keys(*, actor) -> None:
    """New key pairs; the old ones are retired (still published and accepted for the grace
    period, so messages in flight and partners that have not re-read the keys still work).
    Partners must confirm the new fingerprint out of band."""
    _require(actor, "manage_exchange")
    with transaction.atomic():
        now = timezone.now()
        old = list(NodeKey.objects.filter(retired_at__isnull=True).values_list("kid", flat=True))
        NodeKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
        _new_key("sig")
        _new_key("enc")
        audit.record(
            actor=actor,
            action="key_rotation",
            object_type="exchange.nodekey",
            detail={"retired": old},
        )


def _published_keys():
    cutoff = timezone.now() - KEY_GRACE
    keys = NodeKey.objects.filter(models_q_retired_after(cutoff)).order_by(
        "retired_at", "-created_at"
    )
    # current keys first (retired_at NULL sorts first on both databases with this ordering)
    current = [k for k in keys if k.retired_at is None]
    retired = [k for k in keys if k.retired_at is not None]
    return current + retired


def models_q_retired_after(cutoff):
    from django.db.models import Q

    return Q(retired_at__isnull=True) | Q(retired_at__gt=cutoff)


def node_profile() -> NodeProfile | None:
    return NodeProfile.objects.filter(pk=1).first()


def node_document() -> dict | None:
    """What /.well-known/kinlink-node publishes: description and public keys (JWKS)."""
    profile = node_profile()
    if profile is None:
        return None
    jwks = {"keys": [k.public_jwk for k in _published_keys()]}
    return {
        "kinlink_exchange": protocol.PROTOCOL_VERSION,
        "node_id": profile.node_id,
        "country": profile.country,
        "agency": profile.agency,
        "endpoint": profile.endpoint,
        "inbox": profile.endpoint + "/exchange/inbox",
        "jwks": jwks,
        "fingerprint": protocol.fingerprint(jwks),
        "algorithms": {
            "sign": protocol.SIG_ALG,
            "key_management": protocol.KEY_ALG,
            "content": protocol.ENC_ALG,
        },
    }


def local_node() -> protocol.LocalNode:
    from joserfc.jwk import ECKey

    profile = node_profile()
    if profile is None:
        raise ValidationError(_("This node is not set up for cross-border exchange yet."))
    keys = _published_keys()
    sig = next(k for k in keys if k.use == "sig")
    return protocol.LocalNode(
        node_id=profile.node_id,
        signing_key=ECKey.import_key(sig.private_jwk),
        decryption_keys=[ECKey.import_key(k.private_jwk) for k in keys if k.use == "enc"],
    )


# --------------------------------------------------------------------------- partners


def _validate_jwks(jwks) -> dict:
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValidationError({"jwks": [_("Paste the partner's key set (JSON with 'keys').")]})
    uses = set()
    try:
        for jwk in jwks["keys"]:
            protocol.import_public(jwk)
            uses.add(jwk["use"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError({"jwks": [_("Invalid key: %(error)s") % {"error": exc}]}) from None
    if uses != {"sig", "enc"} or len(jwks["keys"]) > 8:
        raise ValidationError({"jwks": [_("The key set needs a signing and an encryption key.")]})
    return {
        "keys": [
            protocol.public_jwk(protocol.import_public(k)) | {"use": k["use"]} for k in jwks["keys"]
        ]
    }


def partner_add(*, actor, document: dict) -> PartnerNode:
    """Add a partner from its node document (its /.well-known/kinlink-node). It stays
    pending until an administrator confirms the key fingerprint out of band."""
    _require(actor, "manage_exchange")
    if not isinstance(document, dict):
        raise ValidationError(_("The node document must be a JSON object."))
    errors: dict[str, list[str]] = {}
    node_id = str(document.get("node_id", ""))
    endpoint = str(document.get("endpoint", "")).rstrip("/")
    country = str(document.get("country", ""))
    agency = str(document.get("agency", "")).strip()[:200]
    if not NODE_ID_RE.match(node_id):
        errors["node_id"] = [_("Use 2–63 lower-case letters, digits, dots or hyphens.")]
    if not endpoint.startswith("https://"):
        errors["endpoint"] = [_("The address must start with https://.")]
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = [_("Use a two-letter country code.")]
    if not agency:
        errors["agency"] = [_("This field is required.")]
    profile = node_profile()
    if profile and profile.node_id == node_id:
        errors["node_id"] = [_("This is this node's own id.")]
    if PartnerNode.objects.filter(node_id=node_id).exists():
        errors["node_id"] = [_("This partner is already registered.")]
    try:
        jwks = _validate_jwks(document.get("jwks"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        jwks = None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        partner = PartnerNode.objects.create(
            node_id=node_id,
            country=country,
            agency=agency,
            endpoint=endpoint,
            jwks=jwks,
            fingerprint=protocol.fingerprint(jwks),
        )
        audit.record(actor=actor, action="create", obj=partner, detail={"node_id": node_id})
    return partner


def _partner_for_change(actor, partner_id) -> PartnerNode:
    _require(actor, "manage_exchange")
    partner = PartnerNode.objects.select_for_update().filter(pk=partner_id).first()
    if partner is None:
        raise PermissionDenied(_("No such partner."))
    return partner


def partner_confirm(*, actor, partner_id, fingerprint: str) -> PartnerNode:
    """The fingerprint read to the administrator by the partner (phone, in person) must
    equal the one computed from the keys; compared in constant time."""
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        if not protocol.fingerprints_equal(fingerprint or "", partner.fingerprint):
            raise ValidationError(
                {"fingerprint": [_("The fingerprint does not match the partner's keys.")]}
            )
        partner.status = PartnerNode.Status.ACTIVE
        partner.confirmed_at = timezone.now()
        partner.confirmed_by = actor
        partner.status_reason = ""
        partner.save()
        audit.record(actor=actor, action="approve", obj=partner, detail={"confirmed": True})
    return partner


def partner_suspend(*, actor, partner_id, reason: str) -> PartnerNode:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        partner.status = PartnerNode.Status.SUSPENDED
        partner.status_reason = reason.strip()[:300]
        partner.save()
        audit.record(actor=actor, action="change", obj=partner, detail={"suspended": True})
    return partner


def partner_reactivate(*, actor, partner_id) -> PartnerNode:
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        if partner.status != PartnerNode.Status.SUSPENDED:
            raise ValidationError(_("Only a suspended partner can be reactivated."))
        partner.status = (
            PartnerNode.Status.ACTIVE if partner.confirmed_at else PartnerNode.Status.PENDING
        )
        partner.status_reason = ""
        partner.save()
        audit.record(actor=actor, action="change", obj=partner, detail={"suspended": False})
    return partner


def partner_set_keys(*, actor, partner_id, jwks: dict) -> PartnerNode:
    """The partner rotated its keys: store the new set; traffic waits for a new
    out-of-band fingerprint confirmation."""
    jwks = _validate_jwks(jwks)
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        partner.jwks = jwks
        partner.fingerprint = protocol.fingerprint(jwks)
        if partner.status == PartnerNode.Status.ACTIVE:
            partner.status = PartnerNode.Status.PENDING
        partner.confirmed_at = None
        partner.save()
        audit.record(actor=actor, action="key_rotation", obj=partner, detail={"partner": True})
    return partner


def directory(node_id: str) -> protocol.Peer | None:
    partner = PartnerNode.objects.filter(node_id=node_id).first()
    if partner is None:
        return None
    return protocol.Peer(partner.node_id, partner.status, partner.jwks)


# --------------------------------------------------------------------------- deadlines


def deadlines(kind: str, urgent: bool, start: datetime, sop: SopProfile):
    """(acknowledge by, reply by) from the SOP profile (rule 43; calendar days)."""
    if kind == "danger_alert":
        ack = start + timedelta(hours=sop.xb_danger_alert_hours)
    elif urgent:
        ack = start + timedelta(hours=sop.xb_urgent_acknowledge_hours)
    else:
        ack = start + timedelta(days=sop.xb_acknowledge_days)
    days = (
        sop.xb_social_enquiry_days
        if kind in ("social_enquiry", "report_request")
        else sop.xb_reply_days
    )
    return ack, start + timedelta(days=days)


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


def _validate_body(kind: str, body: dict) -> None:
    env = protocol.envelope(type=kind, sender="xx", recipient="yy", body=body)
    try:
        protocol.validate_envelope(env)
    except protocol.Rejected as exc:
        raise ValidationError({"fields": [exc.reason]}) from None
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
        .select_for_update()
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
        return _follow_on(req, type_, fields, corrected=corrected, actor=actor, idem=idem)


def _follow_on(req, type_, fields, *, corrected=None, actor=None, idem=None):
    if req.direction != FOLLOW_ON_BY[type_]:
        raise ValidationError(_("This message cannot be sent on this request."))
    if req.status in (S.DRAFT, S.BLOCKED, S.PENDING_APPROVAL, S.WITHDRAWN):
        raise ValidationError(_("This request is not open with the partner."))
    if req.partner.status != PartnerNode.Status.ACTIVE:
        raise ValidationError(_("The partner is suspended."))
    body = {"ref": str(req.ref), "fields": {k: v for k, v in fields.items() if v not in ("", None)}}
    if corrected is not None:
        body["corrected"] = corrected
    env = protocol.envelope(type=type_, sender="xx", recipient="yy", body=body)
    try:
        protocol.validate_envelope(env)
    except protocol.Rejected as exc:
        raise ValidationError(exc.reason) from None
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


# --------------------------------------------------------------------------- inbound decisions


def request_acknowledge(*, actor, request_id, note: str = "") -> CrossBorderRequest:
    _require(actor, "exchange")
    with transaction.atomic():
        req = _own_request(actor, request_id)
        if req.direction != "in" or req.acknowledged_at:
            raise ValidationError(_("This request was already acknowledged."))
        _follow_on(req, "acknowledgement", {"note": note}, actor=actor, idem=f"ack:{req.pk}")
        req.acknowledged_at = timezone.now()
        req.status = S.ACKNOWLEDGED
        req.save()
    return req


def request_decide(
    *, actor, request_id, accept: bool, reason: str = "", assignee=None, case_number: str = ""
) -> CrossBorderRequest:
    """A coordinator accepts (a linked local case is created, or an existing one linked) or
    declines with a reason."""
    _require(actor, "exchange")
    if not accept and not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    with transaction.atomic():
        req = _own_request(actor, request_id)
        if req.direction != "in" or req.status not in (S.RECEIVED, S.ACKNOWLEDGED):
            raise ValidationError(_("This request was already decided."))
        if req.restricted_at:
            raise ValidationError(_("The sender withdrew this request."))
        if accept:
            req.case = _link_case(actor, req, assignee, case_number)
        if not req.acknowledged_at:
            _follow_on(req, "acknowledgement", {}, actor=actor, idem=f"ack:{req.pk}")
            req.acknowledged_at = timezone.now()
        _follow_on(
            req,
            "response",
            {"decision": "accept" if accept else "decline", "reason": reason.strip()},
            actor=actor,
            idem=f"response:{req.pk}",
        )
        req.status = S.ACCEPTED if accept else S.DECLINED
        req.decision_reason = reason.strip()
        req.responded_at = timezone.now()
        req.save()
        audit.record(
            actor=actor,
            action="approve" if accept else "reject",
            obj=req,
            case_id=req.case_id,
            detail={"accepted": accept},
        )
    return req


def _link_case(actor, req, assignee, case_number: str):
    from kinlink.accounts.models import User
    from kinlink.cases import choices as cc
    from kinlink.cases import services as cs

    if case_number:
        case = (
            Case.objects.system("link an inbound cross-border request")
            .filter(number=case_number.strip(), agency__country=node_profile().country)
            .first()
        )
        if case is None:
            raise ValidationError({"case_number": [_("No case with this number.")]})
        return case
    owner = User.objects.filter(pk=getattr(assignee, "pk", assignee)).first()
    if owner is None or not can(owner, "register_child"):
        raise ValidationError({"assignee": [_("Choose the caseworker who takes the case.")]})
    f = req.fields or {}
    dob = f.get("child_date_of_birth")
    child = cs.ChildInput(
        given_name=f.get("child_given_name", ""),
        family_name=f.get("child_family_name", ""),
        sex=f.get("child_sex") or cc.Sex.UNKNOWN,
        protection_status=cc.ProtectionStatus.UNACCOMPANIED,
        date_of_birth=datetime.strptime(dob, "%Y-%m-%d").date() if dob else None,  # noqa: DTZ007
        age_years=f.get("child_age_years") if not dob else None,
        nationalities=f.get("child_nationalities", []),
        languages=[],
    )
    case = cs.child_register(
        actor=owner,
        child=child,
        case=cs.CaseInput(identification_source=cc.IdentificationSource.CROSS_BORDER),
    )
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        case_id=case.pk,
        detail={"from_partner": req.partner.node_id, "request": str(req.pk)},
    )
    return case


def request_withdraw(*, actor, request_id, reason: str = "withdrawn") -> CrossBorderRequest:
    """Withdraw a sent request (or revoke a transfer): the partner restricts its copy."""
    _require(actor, "work_case", "exchange")
    with transaction.atomic():
        req = _own_request(actor, request_id)
        _restrict_outbound(
            req, "transfer_revoked" if req.kind == "case_transfer" else reason, actor=actor
        )
    return req


def _restrict_outbound(req, reason: str, actor=None) -> None:
    if req.direction != "out" or req.restricted_at or req.status in (S.DRAFT, S.BLOCKED):
        return
    if req.status == S.PENDING_APPROVAL:
        req.status = S.DRAFT
        req.save()
        return
    _follow_on(req, "restriction", {"reason": reason}, actor=actor, idem=f"restrict:{req.pk}")
    req.restricted_at = timezone.now()
    req.restriction_reason = reason
    req.status = S.WITHDRAWN
    req.save()


def on_case_changed(case_id, what: str) -> None:
    """Consent withdrawn → every partner that received data under it is told to restrict
    it. Child details corrected → partners get a correction of the fields they hold."""
    if what not in ("consent", "child"):
        return
    reqs = (
        CrossBorderRequest.objects.system("propagate consent and corrections")
        .filter(case_id=case_id, direction="out", restricted_at__isnull=True)
        .exclude(status__in=[S.DRAFT, S.BLOCKED, S.PENDING_APPROVAL, S.WITHDRAWN])
        .select_related("partner", "consent", "case__child")
    )
    for req in reqs:
        with transaction.atomic():
            req = CrossBorderRequest.objects.system("propagate").select_for_update().get(pk=req.pk)
            if what == "consent":
                if req.consent_id and req.consent.withdrawn_at:
                    _restrict_outbound(req, "consent_withdrawn")
                    audit.record(
                        actor=None,
                        action="change",
                        obj=req,
                        case_id=req.case_id,
                        detail={"restricted": "consent_withdrawn", "partner": req.partner.node_id},
                    )
            else:
                _propagate_correction(req)


def _propagate_correction(req) -> None:
    current = request_prefill(req.case, req.kind)
    sent = req.fields or {}
    changed = {k: v for k, v in current.items() if k in sent and sent[k] != v}
    if not changed:
        return
    _follow_on(req, "correction", {}, corrected=changed, idem=f"correct:{req.pk}:{uuid.uuid4()}")
    req.fields = {**sent, **changed}
    req.save(update_fields=["fields", "updated_at"])


# --------------------------------------------------------------------------- inbox


def inbox_receive(token, *, channel: str = "https", now: float | None = None):
    """Open, check and process one message at most once. Returns (status, receipt):
    "received" or "duplicate" (a copy of a message already processed: nothing changes,
    the receipt lets the sender stop retrying). Raises ``protocol.Rejected``; nothing is
    stored for a rejected message."""
    local = local_node()
    opened = protocol.open_message(token, local=local, directory=directory, now=now)
    env = opened.envelope
    partner = PartnerNode.objects.get(node_id=opened.sender.node_id)
    if InboundMessage.objects.filter(message_id=env["id"]).exists():
        raise DuplicateMessage(protocol.sign_receipt(local=local, message=env, status="duplicate"))
    if InboundMessage.objects.filter(partner=partner, idem=env["idem"]).exists():
        raise protocol.Rejected(
            "replay", protocol.REJECTIONS["replay"] + " (idempotency key)", status=409
        )
    try:
        with transaction.atomic():
            msg = InboundMessage.objects.create(
                message_id=env["id"],
                partner=partner,
                type=env["type"],
                idem=env["idem"],
                issued_at=datetime.fromtimestamp(env["iat"], tz=UTC),
                channel=channel,
                signed=opened.signed,
            )
            req = _apply(partner, env, msg)
            msg.request = req
            msg.save(update_fields=["request"])
            audit.record(
                actor=None,
                action="create",
                obj=msg,
                case_id=req.case_id,
                detail={"type": env["type"], "from": partner.node_id, "channel": channel},
            )
    except IntegrityError:
        raise DuplicateMessage(
            protocol.sign_receipt(local=local, message=env, status="duplicate")
        ) from None
    return "received", protocol.sign_receipt(local=local, message=env, status="received")


class DuplicateMessage(Exception):
    def __init__(self, receipt: str):
        super().__init__("duplicate")
        self.receipt = receipt


def _apply(partner, env, msg) -> CrossBorderRequest:
    body, type_ = env["body"], env["type"]
    now = timezone.now()
    if TYPES[type_].request:
        missing = [
            f.name for f in TYPES[type_].fields if f.required and f.name not in body["fields"]
        ]
        if missing:
            raise protocol.Rejected(
                "invalid", protocol.REJECTIONS["invalid"] + f" (missing {', '.join(missing)})"
            )
        if (
            CrossBorderRequest.objects.system("inbox")
            .filter(partner=partner, ref=body["ref"], direction="in")
            .exists()
        ):
            raise protocol.Rejected("replay", protocol.REJECTIONS["replay"] + " (ref)", status=409)
        ack, reply = deadlines(type_, body["urgent"], now, SopProfile.current())
        req = CrossBorderRequest.objects.create(
            ref=body["ref"],
            direction="in",
            partner=partner,
            kind=type_,
            status=S.RECEIVED,
            urgent=body["urgent"],
            purpose=body["purpose"],
            legal_basis=body["legal_basis"],
            retention_days=body["retention_days"],
            fields=body["fields"],
            received_at=now,
            acknowledge_due=ack,
            response_due=reply,
        )
        _timeline(req, "in", type_, message_id=msg.message_id)
        return req
    req = (
        CrossBorderRequest.objects.system("inbox")
        .select_for_update()
        .filter(partner=partner, ref=body["ref"])
        .exclude(direction=FOLLOW_ON_BY[type_])
        .first()
    )
    if req is None:
        raise protocol.Rejected("invalid", protocol.REJECTIONS["invalid"] + " (unknown ref)")
    fields = body["fields"]
    data = {"fields": fields}
    if type_ == "acknowledgement":
        req.acknowledged_at = req.acknowledged_at or now
        if req.status == S.SENT:
            req.status = S.ACKNOWLEDGED
    elif type_ == "response":
        req.acknowledged_at = req.acknowledged_at or now
        req.responded_at = now
        req.status = S.ACCEPTED if fields["decision"] == "accept" else S.DECLINED
        req.decision_reason = fields.get("reason", "")
    elif type_ == "status_update":
        req.status = fields["status"]
    elif type_ == "follow_up_report":
        if req.status in (S.ACCEPTED, S.ACKNOWLEDGED, S.SENT):
            req.status = S.IN_PROGRESS
    elif type_ == "restriction":
        # Restrict automatically: the received data is erased, the request closed.
        req.fields = {}
        req.restricted_at = now
        req.restriction_reason = fields["reason"]
        req.status = S.WITHDRAWN
        data = {"fields": {"reason": fields["reason"]}}
        audit.record(
            actor=None,
            action="change",
            obj=req,
            case_id=req.case_id,
            detail={"restricted": fields["reason"], "partner": partner.node_id},
        )
    elif type_ == "correction":
        corrected = body["corrected"]
        outside = sorted(set(corrected) - set(TYPES[req.kind].field_names))
        if outside:
            raise protocol.Rejected(
                "field_outside_profile",
                protocol.REJECTIONS["field_outside_profile"] + f" ({', '.join(outside)})",
            )
        if req.restricted_at:
            raise protocol.Rejected("invalid", protocol.REJECTIONS["invalid"] + " (restricted)")
        req.fields = {**(req.fields or {}), **corrected}
        data = {"fields": fields, "corrected": sorted(corrected)}
        audit.record(
            actor=None,
            action="change",
            obj=req,
            case_id=req.case_id,
            detail={"corrected": sorted(corrected), "partner": partner.node_id},
        )
    req.save()
    _timeline(req, "in", type_, message_id=msg.message_id, data=data)
    return req


hooks.approval_handlers[Approval.Subject.CROSSBORDER] = _approval_decided
hooks.case_changed.append(on_case_changed)
