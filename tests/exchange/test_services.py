"""Node, partners, the outbound workflow and the inbox, on the database."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinlink.cases import services as cs
from kinlink.cases.models import Approval
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.exchange import protocol
from kinlink.exchange import services as xs
from kinlink.exchange.models import (
    CrossBorderRequest,
    InboundMessage,
    NodeKey,
    OutboundMessage,
    PartnerNode,
)

from ..conftest import register
from .conftest import consent, referral_body, remote_document

pytestmark = pytest.mark.django_db


def test_node_keys_are_encrypted_at_rest(node):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT private_jwk FROM exchange_nodekey")
        stored = [r[0] for r in cur.fetchall()]
    assert len(stored) == 2 and all(s.startswith("kl1:") and '"d"' not in s for s in stored)
    doc = xs.node_document()
    assert doc["node_id"] == "kz-node" and len(doc["jwks"]["keys"]) == 2
    assert all("d" not in k for k in doc["jwks"]["keys"])


def test_key_rotation_keeps_old_keys_published(world, node):
    before = xs.node_document()
    xs.node_rotate_keys(actor=world.sys)
    after = xs.node_document()
    assert len(after["jwks"]["keys"]) == 4
    assert after["fingerprint"] != before["fingerprint"]
    assert after["jwks"]["keys"][0]["kid"] not in {k["kid"] for k in before["jwks"]["keys"]}
    assert NodeKey.objects.filter(retired_at__isnull=True).count() == 2
    with pytest.raises(PermissionDenied):
        xs.node_rotate_keys(actor=world.carl)


def test_partner_needs_the_right_fingerprint(world, node):
    doc, _local = remote_document()
    with pytest.raises(PermissionDenied):
        xs.partner_add(actor=world.carl, document=doc)
    partner = xs.partner_add(actor=world.sys, document=doc)
    assert partner.status == "pending"
    with pytest.raises(ValidationError):
        xs.partner_confirm(actor=world.sys, partner_id=partner.pk, fingerprint="0000 1111")
    assert PartnerNode.objects.get().status == "pending"
    xs.partner_confirm(
        actor=world.sys, partner_id=partner.pk, fingerprint=partner.fingerprint.lower()
    )
    assert PartnerNode.objects.get().status == "active"


def test_partner_document_is_validated(world, node):
    doc, _ = remote_document()
    for bad in (
        dict(doc, endpoint="http://plain.example.org"),
        dict(doc, node_id="Bad Id"),
        dict(doc, jwks={"keys": [dict(doc["jwks"]["keys"][0], d="secret")]}),
        dict(doc, jwks={"keys": doc["jwks"]["keys"][:1]}),
    ):
        with pytest.raises(ValidationError):
            xs.partner_add(actor=world.sys, document=bad)
    assert not PartnerNode.objects.exists()


def test_partner_key_rotation_needs_reconfirmation(world, remote):
    new_doc, _ = remote_document()
    p = xs.partner_set_keys(actor=world.sys, partner_id=remote.partner.pk, jwks=new_doc["jwks"])
    assert p.status == "pending" and p.fingerprint != remote.partner.fingerprint


# --------------------------------------------------------------------------- outbound


def _draft(world, case, remote, **kw):
    args = dict(
        actor=world.alice,
        case_id=case.pk,
        partner_id=remote.partner.pk,
        kind="referral",
        fields=xs.request_prefill(case, "referral") | {"reason": "Needs protection"},
        purpose="Protection on return",
        legal_basis="consent",
    )
    args.update(kw)
    return xs.request_draft(**args)


def test_prefill_and_preview_show_exactly_what_leaves(world, consented_case, remote):
    req = _draft(world, consented_case, remote)
    from kinlink.exchange.selectors import preview

    rows = preview(req)["rows"]
    names = set(req.fields)
    assert names <= {
        "child_given_name",
        "child_family_name",
        "child_sex",
        "child_date_of_birth",
        "child_nationalities",
        "child_languages",
        "reason",
    }
    assert len(rows) == len(names)


def test_field_outside_profile_is_refused_in_a_draft(world, consented_case, remote):
    with pytest.raises(ValidationError):
        _draft(
            world,
            consented_case,
            remote,
            fields={"reason": "x", "child_given_name": "A", "case_notes": "everything"},
        )
    with pytest.raises(ValidationError):  # required field missing
        _draft(world, consented_case, remote, fields={"child_given_name": "A"})
    assert not CrossBorderRequest.objects.system("test").exists()


def test_out_of_scope_case_is_refused(world, remote):
    case = register(world.umid, given="Oysha", family="Karimova")
    with pytest.raises(PermissionDenied):
        _draft(world, case, remote)


def test_full_outbound_flow(world, consented_case, remote, django_capture_on_commit_callbacks):
    req = _draft(world, consented_case, remote)
    with pytest.raises(ValidationError):  # no do-no-harm check yet
        xs.request_submit(actor=world.alice, request_id=req.pk)
    xs.request_harm_check(actor=world.alice, request_id=req.pk, risk=False, note="Discussed")
    xs.request_submit(actor=world.alice, request_id=req.pk)
    approval = Approval.objects.system("test").get(subject="crossborder", state="pending")
    assert not OutboundMessage.objects.exists()  # nothing leaves before approval
    with django_capture_on_commit_callbacks() as callbacks:
        cs.approval_decide(actor=world.sam, approval_id=approval.pk, approve=True)
    assert callbacks  # delivery is started after commit
    req.refresh_from_db()
    assert req.status == "sent" and req.acknowledge_due and req.response_due
    msg = OutboundMessage.objects.get()
    env = remote.read(msg.token)
    assert env["type"] == "referral" and env["body"]["fields"] == req.fields
    assert consented_case.number not in msg.token and consented_case.number not in json.dumps(env)
    disclosure = AuditEvent.objects.get(action="disclose")
    assert disclosure.actor == world.sam
    assert disclosure.detail["to"] == "uz-node"
    assert set(disclosure.detail["fields"]) == set(req.fields)


def test_do_no_harm_risk_blocks(world, consented_case, remote):
    req = _draft(world, consented_case, remote)
    xs.request_harm_check(actor=world.alice, request_id=req.pk, risk=True, note="Father abusive")
    req.refresh_from_db()
    assert req.status == "blocked"
    with pytest.raises(ValidationError):
        xs.request_submit(actor=world.alice, request_id=req.pk)


def test_consent_per_purpose_and_recipient(world, remote):
    case = register(world.alice)
    consent(world, case, share_with=["authorities"])
    req = _draft(world, case, remote)
    xs.request_harm_check(actor=world.alice, request_id=req.pk, risk=False, note="ok")
    with pytest.raises(ValidationError):
        xs.request_submit(actor=world.alice, request_id=req.pk)
    # tracing needs tracing consent as well
    case2 = register(world.alice, given="Юлія", family="Коваль")
    consent(world, case2, for_tracing=False)
    req2 = _draft(
        world,
        case2,
        remote,
        kind="tracing_request",
        fields={
            "child_given_name": "Юлія",
            "sought_name": "Olena Koval",
            "sought_relationship": "mother",
        },
    )
    xs.request_harm_check(actor=world.alice, request_id=req2.pk, risk=False, note="ok")
    with pytest.raises(ValidationError):
        xs.request_submit(actor=world.alice, request_id=req2.pk)
    # withheld from this recipient
    case3 = register(world.alice, given="Ali", family="Valiyev")
    consent(world, case3, withhold_from="Child Protection UZ", withhold_reason="risk")
    req3 = _draft(world, case3, remote)
    xs.request_harm_check(actor=world.alice, request_id=req3.pk, risk=False, note="ok")
    with pytest.raises(ValidationError):
        xs.request_submit(actor=world.alice, request_id=req3.pk)


def _sent(world, case, remote, capture):
    req = _draft(world, case, remote)
    xs.request_harm_check(actor=world.alice, request_id=req.pk, risk=False, note="ok")
    xs.request_submit(actor=world.alice, request_id=req.pk)
    ap = Approval.objects.system("t").get(subject="crossborder", state="pending")
    cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    return CrossBorderRequest.objects.system("t").get(pk=req.pk)


def test_consent_withdrawal_is_propagated(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    req = _sent(world, consented_case, remote, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cs.consent_withdraw(actor=world.alice, case_id=consented_case.pk, consent_id=req.consent_id)
    req.refresh_from_db()
    assert req.status == "withdrawn" and req.restriction_reason == "consent_withdrawn"
    restriction = OutboundMessage.objects.get(type="restriction")
    env = remote.read(restriction.token)
    assert env["body"] == {"ref": str(req.ref), "fields": {"reason": "consent_withdrawn"}}


def test_correction_is_propagated(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    _sent(world, consented_case, remote, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cs.child_update(
            actor=world.alice, case_id=consented_case.pk, changes={"family_name": "Рахимова"}
        )
    msg = OutboundMessage.objects.get(type="correction")
    env = remote.read(msg.token)
    assert env["body"]["corrected"] == {"child_family_name": "Рахимова"}


# --------------------------------------------------------------------------- inbox


def test_inbound_referral_accept_and_follow_up(world, remote):
    env, token = remote.send("referral", referral_body())
    status, receipt = xs.inbox_receive(token)
    assert status == "received"
    assert protocol.verify_receipt(
        receipt, peer=remote.us, message_id=env["id"], local_id="uz-node"
    )
    req = CrossBorderRequest.objects.system("t").get()
    assert req.direction == "in" and req.status == "received"
    # five working days (Monday to Friday by default) to the end of the day
    assert req.acknowledge_due == xs.add_working_days(req.received_at, 5, SopProfile.current())
    assert (req.acknowledge_due - req.received_at).days >= 5
    with pytest.raises(PermissionDenied):
        xs.request_decide(actor=world.alice, request_id=req.pk, accept=True, assignee=world.bob)
    with pytest.raises(ValidationError):
        xs.request_decide(actor=world.carl, request_id=req.pk, accept=False, reason="")
    xs.request_decide(actor=world.carl, request_id=req.pk, accept=True, assignee=world.bob.pk)
    req.refresh_from_db()
    assert req.status == "accepted" and req.case.owner == world.bob
    assert req.case.child.given_name == "Oysha"
    sent = list(OutboundMessage.objects.order_by("created_at").values_list("type", flat=True))
    assert sent == ["acknowledgement", "response"]
    assert remote.read(OutboundMessage.objects.get(type="response").token)["body"]["fields"] == {
        "decision": "accept"
    }
    # the linked case is now in Bob's scope, so Bob sends a follow-up report
    xs.message_send(
        actor=world.bob,
        request_id=req.pk,
        type_="follow_up_report",
        fields={"visit_date": "2025-07-01", "child_seen": True, "wellbeing": "ok"},
    )
    assert OutboundMessage.objects.filter(type="follow_up_report").count() == 1


def test_replay_is_processed_at_most_once(world, remote):
    _env, token = remote.send("referral", referral_body())
    xs.inbox_receive(token)
    with pytest.raises(xs.DuplicateMessage) as dup:
        xs.inbox_receive(token)
    assert dup.value.receipt
    assert InboundMessage.objects.count() == 1
    assert CrossBorderRequest.objects.system("t").count() == 1


def test_same_idempotency_key_is_a_replay(world, remote):
    _env, token = remote.send("referral", referral_body(), idem="same-action")
    xs.inbox_receive(token)
    _env, token2 = remote.send("referral", referral_body(), idem="same-action")
    with pytest.raises(protocol.Rejected) as exc:
        xs.inbox_receive(token2)
    assert exc.value.code == "replay"
    assert InboundMessage.objects.count() == 1


def test_suspended_partner_is_refused_and_nothing_stored(world, remote):
    xs.partner_suspend(actor=world.sys, partner_id=remote.partner.pk, reason="breach")
    _env, token = remote.send("referral", referral_body())
    with pytest.raises(protocol.Rejected) as exc:
        xs.inbox_receive(token)
    assert exc.value.code == "suspended_sender"
    assert not InboundMessage.objects.exists()


def test_inbound_follow_ups_update_the_outbound_request(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    req = _sent(world, consented_case, remote, django_capture_on_commit_callbacks)
    ref = str(req.ref)
    for type_, fields in (
        ("acknowledgement", {}),
        ("response", {"decision": "accept"}),
        ("follow_up_report", {"visit_date": "2025-07-01", "child_seen": True, "wellbeing": "ok"}),
        ("follow_up_report", {"visit_date": "2025-08-01", "child_seen": False}),
    ):
        _env, token = remote.send(type_, {"ref": ref, "fields": fields})
        xs.inbox_receive(token)
    req.refresh_from_db()
    assert req.status == "in_progress" and req.acknowledged_at and req.responded_at
    kinds = list(req.timeline.values_list("direction", "kind"))
    assert kinds[-4:] == [
        ("in", "acknowledgement"),
        ("in", "response"),
        ("in", "follow_up_report"),
        ("in", "follow_up_report"),
    ]
    # a follow-up for an unknown ref is refused, nothing stored
    _env, token = remote.send(
        "follow_up_report",
        {"ref": str(req.pk), "fields": {"visit_date": "2025-07-01", "child_seen": True}},
    )
    before = InboundMessage.objects.count()
    with pytest.raises(protocol.Rejected):
        xs.inbox_receive(token)
    assert InboundMessage.objects.count() == before


def test_inbound_restriction_erases_the_data(world, remote):
    body = referral_body()
    _env, token = remote.send("referral", body)
    xs.inbox_receive(token)
    _env, token = remote.send(
        "restriction", {"ref": body["ref"], "fields": {"reason": "consent_withdrawn"}}
    )
    xs.inbox_receive(token)
    req = CrossBorderRequest.objects.system("t").get()
    assert req.fields == {} and req.status == "withdrawn" and req.restricted_at
    assert AuditEvent.objects.filter(detail__restricted="consent_withdrawn").exists() or any(
        e.detail.get("restricted") == "consent_withdrawn" for e in AuditEvent.objects.all()
    )


def test_inbound_correction_outside_profile_is_refused(world, remote):
    body = referral_body()
    _env, token = remote.send("referral", body)
    xs.inbox_receive(token)
    _env, token = remote.send(
        "correction", {"ref": body["ref"], "fields": {}, "corrected": {"adult_name": "x"}}
    )
    with pytest.raises(protocol.Rejected) as exc:
        xs.inbox_receive(token)
    assert exc.value.code == "field_outside_profile"
    _env, token = remote.send(
        "correction",
        {"ref": body["ref"], "fields": {}, "corrected": {"child_family_name": "Karimova-Ali"}},
    )
    xs.inbox_receive(token)
    assert CrossBorderRequest.objects.system("t").get().fields["child_family_name"] == (
        "Karimova-Ali"
    )


def test_overdue_acknowledgement_is_flagged(world, remote):
    from kinlink.exchange import selectors

    with pytest.raises(protocol.Rejected):  # 'reason' is not in the danger alert's profile
        remote.send("danger_alert", referral_body(danger="x", measures_taken="y"))
    body = referral_body()
    body["fields"] = {
        "child_given_name": "Oysha",
        "danger": "trafficking",
        "measures_taken": "shelter",
    }
    _env, token = remote.send("danger_alert", body)
    xs.inbox_receive(token)
    req = CrossBorderRequest.objects.system("t").get()
    assert (req.acknowledge_due - req.received_at).total_seconds() == 24 * 3600
    later = timezone.now() + timezone.timedelta(hours=25)
    assert selectors.overdue(req, later) == ["acknowledge"]
