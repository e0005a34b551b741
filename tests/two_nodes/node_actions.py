"""Actions the two-node test runs *inside* one node (a subprocess with that node's
environment): demo users, a consented case, the outbound workflow, a coordinator's
decision, follow-up reports, a consent withdrawal, and a JSON dump of the exchange tables.

    python tests/two_nodes/node_actions.py ACTION '{"json": "arguments"}'

Every write goes through the app's services (kinlink.cases.services,
kinlink.exchange.services); the script only chooses the actors. The result is printed as
one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinlink.settings.base")
    import django

    django.setup()


def _user(username):
    from kinlink.accounts.models import User

    return User.objects.get(username=username)


def users(agency_code: str, users: list[list[str]]) -> dict:
    """Create an office in this node's agency and one user per (username, role)."""
    from kinlink.accounts.models import Agency, Office, User
    from kinlink.accounts.roles import Role

    agency = Agency.objects.get(code=agency_code)
    office, _ = Office.objects.get_or_create(
        agency=agency, code="main", defaults={"name": "Main office", "city": "Capital"}
    )
    made = {}
    for username, role in users:
        admin = role == Role.SYSTEM_ADMIN
        user = User.objects.create_user(
            username=username,
            password=None,
            role=role,
            agency=None if admin else agency,
            office=None if admin else office,
            first_name=username.capitalize(),
        )
        made[username] = str(user.pk)
    return made


def case(actor: str, given: str, family: str) -> dict:
    """A case with a consent that allows sharing across borders."""
    from kinlink.cases import choices as c
    from kinlink.cases import services as cs

    user = _user(actor)
    new = cs.child_register(
        actor=user,
        child=cs.ChildInput(
            given_name=given,
            family_name=family,
            sex=c.Sex.FEMALE,
            protection_status=c.ProtectionStatus.UNACCOMPANIED,
            date_of_birth=date(2013, 3, 9),
            nationalities=["UZ"],
            languages=["uz", "ru"],
        ),
        case=cs.CaseInput(risk_level=c.RiskLevel.HIGH),
    )
    consent = cs.consent_record(
        actor=user,
        case_id=new.pk,
        data=cs.ConsentInput(
            given_by="caregiver",
            kind="consent",
            given_on=date.today(),
            share_with=["cross_border"],
            for_tracing=True,
        ),
    )
    return {"case_id": str(new.pk), "consent_id": str(consent.pk), "number": new.number}


def refer(case_id: str, actor: str, approver: str, partner: str, count: int = 1) -> dict:
    """``count`` referrals about one case: draft, do-no-harm check, submission, approval
    (each approval puts one message in the outbox)."""
    from kinlink.cases import services as cs
    from kinlink.cases.models import Approval, Case
    from kinlink.exchange import services as xs
    from kinlink.exchange.models import OutboundMessage, PartnerNode

    user, boss = _user(actor), _user(approver)
    the_case = Case.objects.system("two-node test").get(pk=case_id)
    partner_pk = PartnerNode.objects.get(node_id=partner).pk
    out = []
    for i in range(count):
        req = xs.request_draft(
            actor=user,
            case_id=case_id,
            partner_id=partner_pk,
            kind="referral",
            fields=xs.request_prefill(the_case, "referral")
            | {"reason": f"Unaccompanied child found at the border ({i + 1})"},
            purpose="Referral for protection and family tracing",
            legal_basis="consent",
        )
        xs.request_harm_check(actor=user, request_id=req.pk, risk=False, note="Discussed")
        xs.request_submit(actor=user, request_id=req.pk)
        approval = Approval.objects.system("two-node test").get(
            subject=Approval.Subject.CROSSBORDER, subject_id=req.pk, state="pending"
        )
        cs.approval_decide(actor=boss, approval_id=approval.pk, approve=True)
        msg = OutboundMessage.objects.get(request_id=req.pk, type="referral")
        out.append({"request_id": str(req.pk), "ref": str(req.ref), "message_id": str(msg.pk)})
    return {"requests": out}


def _inbound(ref: str):
    from kinlink.exchange.models import CrossBorderRequest

    return CrossBorderRequest.objects.system("two-node test").get(ref=ref, direction="in")


def accept(ref: str, actor: str, assignee: str) -> dict:
    from kinlink.exchange import services as xs

    req = xs.request_decide(
        actor=_user(actor),
        request_id=_inbound(ref).pk,
        accept=True,
        assignee=_user(assignee).pk,
    )
    return {"status": req.status, "case_id": str(req.case_id)}


def follow_up(ref: str, actor: str, fields: dict) -> dict:
    from kinlink.exchange import services as xs

    msg = xs.message_send(
        actor=_user(actor), request_id=_inbound(ref).pk, type_="follow_up_report", fields=fields
    )
    return {"message_id": str(msg.pk)}


def withdraw_consent(actor: str, case_id: str, consent_id: str) -> dict:
    from kinlink.cases import services as cs

    cs.consent_withdraw(actor=_user(actor), case_id=case_id, consent_id=consent_id)
    return {"withdrawn": True}


def lose_acknowledgement(message_id: str) -> dict:
    """Fault injection on the sender: forget that a message was delivered, as if the
    partner's answer had been lost, and start a delivery again (same id, same bytes)."""
    from django.utils import timezone

    from kinlink.exchange.models import OutboundMessage
    from kinlink.exchange.tasks import deliver_message

    n = OutboundMessage.objects.filter(pk=message_id, status="delivered").update(
        status="queued", receipt="", delivered_at=None, next_attempt_at=timezone.now()
    )
    deliver_message.enqueue(message_id)
    return {"requeued": n}


def state() -> dict:
    """The exchange tables of this node, for the test's assertions."""
    from kinlink.alerts.models import Alert
    from kinlink.exchange.models import (
        CrossBorderRequest,
        InboundMessage,
        OutboundMessage,
        PartnerNode,
        TimelineEntry,
    )

    def iso(dt):
        return dt.isoformat() if dt else None

    requests = []
    for req in CrossBorderRequest.objects.system("two-node test").order_by("created_at"):
        timeline = TimelineEntry.objects.system("two-node test").filter(request=req)
        requests.append(
            {
                "id": str(req.pk),
                "ref": str(req.ref),
                "direction": req.direction,
                "kind": req.kind,
                "status": req.status,
                "fields": req.fields,
                "case_id": str(req.case_id) if req.case_id else None,
                "acknowledged_at": iso(req.acknowledged_at),
                "responded_at": iso(req.responded_at),
                "restricted_at": iso(req.restricted_at),
                "restriction_reason": req.restriction_reason,
                "needs_review": req.needs_restriction_review,
                "case_alerts": sorted(
                    Alert.objects.system("two-node test")
                    .filter(case_id=req.case_id, cleared_at__isnull=True, kind__startswith="xb_")
                    .values_list("kind", flat=True)
                )
                if req.case_id
                else [],
                "timeline": [
                    [e.direction, e.kind, str(e.message_id) if e.message_id else None]
                    for e in timeline.order_by("at", "created_at")
                ],
            }
        )
    return {
        "partners": {p.node_id: p.status for p in PartnerNode.objects.all()},
        "outbox": [
            {
                "id": str(m.pk),
                "type": m.type,
                "ref": str(m.request.ref) if m.request_id else None,
                "status": m.status,
                "attempts": m.attempts,
                "last_error": m.last_error,
                "receipt": bool(m.receipt),
            }
            for m in OutboundMessage.objects.select_related("request").order_by("created_at")
        ],
        "inbox": [
            {
                "message_id": str(m.message_id),
                "type": m.type,
                "ref": str(m.request.ref) if m.request_id else None,
                "channel": m.channel,
                "erased": m.signed.startswith("sha256:"),
            }
            for m in InboundMessage.objects.select_related("request").order_by("created_at")
        ],
        "requests": requests,
    }


ACTIONS = {
    f.__name__: f
    for f in (users, case, refer, accept, follow_up, withdraw_consent, lose_acknowledgement, state)
}

if __name__ == "__main__":
    _setup()
    action, args = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    result = ACTIONS[action](**args)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")
