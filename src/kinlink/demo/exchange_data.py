"""Demo data of cross-border exchange: this node, one confirmed partner node (Uzbekistan),
an outbound referral the partner has not acknowledged in time (an alert on the board), an
inbound referral waiting past its acknowledgement deadline, one accepted and linked to a
case, and one the partner withdrew after acceptance.

Everything goes through the services and the real protocol: the partner's messages are
signed and encrypted with a partner key made here (and then forgotten). No message leaves
the machine: the demo outbox is marked as exported to a file, so the worker does not try to
reach the invented partner address. Deadlines are moved into the past afterwards.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.utils import timezone

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role
from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.cases import choices as c
from kinlink.cases import services as cs
from kinlink.cases.models import Approval
from kinlink.core.models import SopProfile
from kinlink.exchange import protocol
from kinlink.exchange import services as xs
from kinlink.exchange.models import CrossBorderRequest, OutboundMessage

PARTNER_ID = "uz-demo"


def _people(builder):
    from .agencies import MAIN

    users = list(builder.users.values()) if hasattr(builder, "users") else list(User.objects.all())
    main = [u for u in users if u.agency_id and u.agency.code == MAIN and u.office_id]
    main = main or [u for u in users if u.agency_id and u.office_id]
    supervisors = {u.office_id: u for u in main if u.role == Role.SUPERVISOR}
    worker = next(u for u in main if u.role == Role.CASEWORKER and u.office_id in supervisors)
    coordinator = next(u for u in users if u.role == Role.CROSSBORDER)
    admin = next(u for u in users if u.role == Role.SYSTEM_ADMIN)
    return worker, supervisors[worker.office_id], coordinator, admin


def _partner(admin):
    sig, enc = protocol.new_signing_key(), protocol.new_encryption_key()
    partner = xs.partner_add(
        actor=admin,
        document={
            "node_id": PARTNER_ID,
            "country": "UZ",
            "agency": "Demo child protection service, Tashkent",
            "endpoint": "https://uz-demo.kinlink.invalid",
            "jwks": {"keys": [protocol.public_jwk(sig), protocol.public_jwk(enc)]},
        },
    )
    xs.partner_confirm(actor=admin, partner_id=partner.pk, fingerprint=partner.fingerprint)
    ours = xs.node_document()
    us = protocol.Peer(ours["node_id"], "active", ours["jwks"])
    remote = protocol.LocalNode(PARTNER_ID, sig, [enc])

    def send(type_, body):
        env = protocol.envelope(type=type_, sender=PARTNER_ID, recipient=us.node_id, body=body)
        xs.inbox_receive(protocol.seal(env, local=remote, peer=us))

    return partner, send


def _referral(given, family, reason):
    return {
        "ref": str(uuid.uuid4()),
        "purpose": "Referral for protection and family tracing",
        "legal_basis": "vital_interest",
        "retention_days": 365,
        "urgent": False,
        "fields": {"child_given_name": given, "child_family_name": family, "reason": reason},
    }


def _outbound(worker, supervisor, partner):
    today = timezone.localdate()
    child = cs.ChildInput(
        given_name="Дилноза",
        family_name="Юсупова",
        sex=c.Sex.FEMALE,
        protection_status=c.ProtectionStatus.SEPARATED,
        date_of_birth=today.replace(year=today.year - 4),
        nationalities=["UZ"],
        languages=["uz", "ru"],
    )
    case = cs.child_register(actor=worker, child=child, case=cs.CaseInput(risk_level="medium"))
    cs.consent_record(
        actor=worker,
        case_id=case.pk,
        data=cs.ConsentInput(
            given_by="caregiver",
            kind="consent",
            given_on=date.today(),
            share_with=["cross_border"],
            for_tracing=True,
        ),
    )
    req = xs.request_draft(
        actor=worker,
        case_id=case.pk,
        partner_id=partner.pk,
        kind="referral",
        fields=xs.request_prefill(case, "referral") | {"reason": "Mother located in Samarkand"},
        purpose="Referral for family assessment before reunification",
        legal_basis="consent",
    )
    xs.request_harm_check(
        actor=worker, request_id=req.pk, risk=False, note="Discussed with the mother"
    )
    xs.request_submit(actor=worker, request_id=req.pk)
    approval = Approval.objects.system("demo").get(
        subject=Approval.Subject.CROSSBORDER, subject_id=req.pk, state="pending"
    )
    cs.approval_decide(actor=supervisor, approval_id=approval.pk, approve=True)
    return case, req


def load(builder) -> int:
    worker, supervisor, coordinator, admin = _people(builder)
    if xs.node_profile() is None:
        xs.node_setup(
            actor=None,
            node_id="kz-demo",
            country=worker.agency.country,
            agency=worker.agency.name,
            endpoint="https://kz-demo.kinlink.invalid",
        )
    partner, send = _partner(admin)

    # outbound: sent nine days ago, never acknowledged → rule 43 alert for the caseworker
    out_case, out_req = _outbound(worker, supervisor, partner)
    sent = timezone.now() - timedelta(days=9)
    ack, reply = xs.deadlines(out_req.kind, out_req.urgent, sent, SopProfile.current())
    CrossBorderRequest.objects.system("demo").filter(pk=out_req.pk).update(
        sent_at=sent, acknowledge_due=ack, response_due=reply
    )
    # the girl has since crossed to the partner's country and is in danger: rule 42 wants a
    # serious-danger alert (Art. 36) to that State, not yet prepared
    cs.child_update(actor=worker, case_id=out_case.pk, changes={"current_country": partner.country})
    cs.case_set_risk(
        actor=worker,
        case_id=out_case.pk,
        risk_level="high",
        reason="Reported with an adult who is not family, near the border",
    )

    # inbound: one waiting past its acknowledgement deadline (the coordinator's list)
    waiting = _referral("Akmal", "Rashidov", "Unaccompanied boy found at the border crossing")
    send("referral", waiting)
    received = timezone.now() - timedelta(days=10)
    ack, reply = xs.deadlines("referral", False, received, SopProfile.current())
    CrossBorderRequest.objects.system("demo").filter(ref=waiting["ref"], direction="in").update(
        received_at=received, acknowledge_due=ack, response_due=reply
    )
    # one accepted: a linked case for the caseworker
    accepted = _referral("Madina", "Karimova", "Girl travelling alone to her aunt")
    send("referral", accepted)
    req = CrossBorderRequest.objects.system("demo").get(ref=accepted["ref"], direction="in")
    xs.request_decide(actor=coordinator, request_id=req.pk, accept=True, assignee=worker.pk)
    # one accepted, then withdrawn by the partner: the linked case is flagged for review
    withdrawn = _referral("Sardor", "Aliev", "Boy at risk of trafficking")
    send("referral", withdrawn)
    req = CrossBorderRequest.objects.system("demo").get(ref=withdrawn["ref"], direction="in")
    xs.request_decide(actor=coordinator, request_id=req.pk, accept=True, assignee=worker.pk)
    send("restriction", {"ref": withdrawn["ref"], "fields": {"reason": "consent_withdrawn"}})

    # nothing leaves the machine: the demo outbox counts as carried by file
    OutboundMessage.objects.filter(partner=partner).update(status=OutboundMessage.Status.EXPORTED)
    touched = set(
        CrossBorderRequest.objects.system("demo")
        .filter(partner=partner, case__isnull=False)
        .values_list("case_id", flat=True)
    )
    for case_id in touched:
        engine.evaluate_case(case_id)
    engine.evaluate_node()  # the inbound request still waiting: the coordinator's alert
    # The demo's alerts are not mailed (as in the care demo).
    Alert.objects.system("demo").filter(notified_at__isnull=True).update(notified_at=timezone.now())
    if hasattr(builder, "say"):
        builder.say(
            f"  exchange: partner {PARTNER_ID}, "
            f"{CrossBorderRequest.objects.system('demo count').filter(partner=partner).count()}"
            " requests"
        )
    return len(touched)
