"""Inbound requests: the inbox (open, check, process at most once) and the coordinator's
decisions (acknowledge, accept with a linked local case, decline).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.alerts import engine
from kinlink.cases.models import Case
from kinlink.core import audit
from kinlink.core.models import SopProfile

from . import protocol
from .common import S
from .common import require as _require
from .deadlines import deadlines
from .models import (
    CrossBorderRequest,
    InboundMessage,
    PartnerNode,
)
from .outbound import FOLLOW_ON_BY, _follow_on, _own_request, _timeline
from .partners import directory, local_node, node_profile
from .profiles import TYPES
from .propagation import restrict_received

QUERIES_PER_HOUR = 30  # inbound tracing queries per partner (setting KINLINK_PPRL_QUERIES_PER_HOUR)

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
        if req.case_id:
            engine.schedule(req.case_id)  # deadlines met clear their alerts
        engine.schedule_node()  # the inbox's own alerts (no case yet)
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
        if accept and not req.case_id:  # (linked already: details of a tracing match)
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
        if req.case_id:
            engine.schedule(req.case_id)  # deadlines met clear their alerts
        engine.schedule_node()  # the inbox's own alerts (no case yet)
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


def _check_query_rate(partner, now) -> None:
    """A partner may send at most ``KINLINK_PPRL_QUERIES_PER_HOUR`` tracing queries in any
    hour, so that it cannot probe this node's register with many variations of a name
    (docs/exchange/pprl.md §4). More is refused with 429, which the sender's outbox retries
    with backoff; nothing is stored."""
    limit = int(getattr(settings, "KINLINK_PPRL_QUERIES_PER_HOUR", QUERIES_PER_HOUR))
    recent = (
        CrossBorderRequest.objects.system("inbox rate limit")
        .filter(
            partner=partner,
            direction="in",
            kind="tracing_query",
            received_at__gt=now - timedelta(hours=1),
        )
        .count()
    )
    if recent >= limit:
        raise protocol.Rejected("rate_limited", protocol.REJECTIONS["rate_limited"], status=429)


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
        if type_ == "tracing_query":
            _check_query_rate(partner, now)
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
        if type_ == "tracing_query":
            from .tasks import answer_tracing_query

            transaction.on_commit(lambda pk=str(req.pk): answer_tracing_query.enqueue(pk))
        if type_ == "information_request":
            from .tracing_services import link_details_request

            link_details_request(req)  # details of a likely match: the case behind it
            if req.case_id:
                engine.schedule(req.case_id)
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
    elif type_ == "tracing_result":
        if req.kind != "tracing_query" or req.status in (S.DRAFT, S.PENDING_APPROVAL, S.BLOCKED):
            raise protocol.Rejected("invalid", protocol.REJECTIONS["invalid"] + " (not a query)")
        # Pseudonymous references and scores only (docs/exchange/pprl.md); shown on the trace.
        req.result = fields
        req.acknowledged_at = req.acknowledged_at or now
        req.responded_at = now
        if not req.restricted_at:
            req.status = S.COMPLETED
    elif type_ == "status_update":
        req.status = fields["status"]
    elif type_ == "follow_up_report":
        if req.status in (S.ACCEPTED, S.ACKNOWLEDGED, S.SENT):
            req.status = S.IN_PROGRESS
    elif type_ == "restriction":
        # Restrict automatically (docs/exchange/withdrawal.md).
        detail = restrict_received(req, fields["reason"], partner, now)
        data = {"fields": {"reason": fields["reason"]}}
        audit.record(actor=None, action="change", obj=req, case_id=req.case_id, detail=detail)
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
    if req.case_id:
        engine.schedule(req.case_id)  # deadlines met clear their alerts
    _timeline(req, "in", type_, message_id=msg.message_id, data=data)
    return req
