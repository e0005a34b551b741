"""Sending an encoded tracing query built from a trace (docs/exchange/pprl.md §1): prepared by
the tracing request's caseworker, approved by a supervisor of its office (four eyes), then
sealed into the outbox; the partner's tracing_result shown on the trace; the details of a
likely match asked for with an approved information request, which the partner's node links
to the case behind its reference."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kinlink.core.models import AuditEvent
from kinlink.exchange import pprl, protocol
from kinlink.exchange import services as xs
from kinlink.exchange import tracing_services as tq
from kinlink.exchange.models import CrossBorderRequest, OutboundMessage
from kinlink.tracing import services as ts

from ..conftest import register
from .conftest import consent

KEY = b"test-network-key-0123456789abcdef"
PLAIN = ("muhammad", "rakhimov", "mhmt", "2014-05-02", "2014", "zarina", "almaty")


@pytest.fixture
def network_key(settings):
    settings.KINLINK_PPRL_NETWORK_KEY = base64.b64encode(KEY).decode()
    return KEY


def tracing_request(world, *, share=True, actor=None):
    """Olga (Astana) records an enquiry by Zarina for her son Muhammad Rakhimov."""
    return ts.tracing_request_create(
        actor=actor or world.olga,
        data=ts.RequestInput(
            enquirer_given_name="Zarina",
            enquirer_relationship="mother",
            inquiry_date=date.today(),
            consent_to_share=share,
            separation_place="Almaty",
            traces=[
                ts.TraceInput(
                    given_name="Muhammad",
                    family_name="Rakhimov",
                    sex="male",
                    date_of_birth=date(2014, 5, 2),
                    age_estimated=False,
                    place_of_origin="Almaty",
                )
            ],
        ),
    )


@pytest.fixture
def trace(world):
    return tracing_request(world).traces.get()


def draft(world, trace, remote, actor=None, **extra):
    data = dict(
        actor=actor or world.olga,
        trace_id=trace.pk,
        partner_id=remote.partner.pk,
        purpose="Family tracing",
        legal_basis="vital_interest",
    )
    data.update(extra)
    return xs.tracing_query_draft(**data)


def pending(world, trace, remote, actor=None):
    actor = actor or world.olga
    req = draft(world, trace, remote, actor=actor)
    xs.request_harm_check(actor=actor, request_id=req.pk, risk=False, note="Mother known")
    xs.request_submit(actor=actor, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == "pending_approval"
    return req


def sent(world, trace, remote, capture):
    req = pending(world, trace, remote)
    with capture(execute=False):
        xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=True)
    req.refresh_from_db()
    return req


# --------------------------------------------------------------------------- preparing


def test_prepared_query_holds_encodings_only(world, trace, remote, network_key):
    req = draft(world, trace, remote)
    assert req.direction == "out" and req.kind == "tracing_query" and req.case is None
    assert req.trace == trace and req.status == "draft" and req.created_by == world.olga
    assert set(req.fields) == {"pprl_version", "encodings", "max_results"}
    text = json.dumps(req.fields, ensure_ascii=False).lower() + req.purpose.lower()
    for plain in PLAIN:
        assert plain not in text
    parts = req.fields["encodings"].split(",")
    assert all(p.partition(":")[0] in pprl.FIELDS for p in parts)
    assert AuditEvent.objects.filter(actor=world.olga, action="create").exists()


def test_refused_without_the_enquirers_consent_to_share(world, remote, network_key, login):
    trace = tracing_request(world, share=False).traces.get()
    with pytest.raises(ValidationError, match="did not agree"):
        draft(world, trace, remote)
    client = login(world.olga)
    url = reverse("exchange:trace_query_create", args=[trace.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"did not agree" in page.content
    assert b'name="purpose"' not in page.content  # no form to send
    resp = client.post(
        url,
        {"partner": remote.partner.pk, "purpose": "Family tracing", "legal_basis": "consent"},
    )
    assert resp.status_code == 400
    assert not CrossBorderRequest.objects.system("test").exists()


def test_refused_outside_the_tracing_requests_scope(world, trace, remote, network_key, login):
    # Alice and Sam (Almaty) may not change Olga's (Astana) request; Umid is abroad.
    for user in (world.alice, world.sam, world.umid):
        with pytest.raises(PermissionDenied):
            draft(world, trace, remote, actor=user)
        client = login(user)
        url = reverse("exchange:trace_query_create", args=[trace.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"partner": remote.partner.pk}).status_code == 404
    # a role without casework is refused outright
    client = login(world.carl)
    assert client.get(reverse("exchange:trace_query_create", args=[trace.pk])).status_code == 403
    assert not CrossBorderRequest.objects.system("test").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"partner_id": None},
        {"legal_basis": "because"},
        {"purpose": "   "},
        {"retention_days": 0},
        {"retention_days": "many"},
    ],
)
def test_bad_input_is_refused_and_stores_nothing(world, trace, remote, network_key, bad):
    with pytest.raises(ValidationError):
        draft(world, trace, remote, **bad)
    assert not CrossBorderRequest.objects.system("test").exists()


def test_suspended_partner_and_missing_network_key_are_refused(
    world, trace, remote, settings, login
):
    settings.KINLINK_PPRL_NETWORK_KEY = ""
    with pytest.raises(ValidationError, match="network key"):
        draft(world, trace, remote)
    settings.KINLINK_PPRL_NETWORK_KEY = base64.b64encode(KEY).decode()
    xs.partner_suspend(actor=world.sys, partner_id=remote.partner.pk, reason="keys lost")
    with pytest.raises(ValidationError):
        draft(world, trace, remote)
    client = login(world.olga)
    resp = client.post(
        reverse("exchange:trace_query_create", args=[trace.pk]),
        {"partner": remote.partner.pk, "purpose": "x", "legal_basis": "consent"},
    )
    assert resp.status_code == 400 and b"active partner" in resp.content
    assert not CrossBorderRequest.objects.system("test").exists()


def test_the_form_page_and_the_trace_page(world, trace, remote, network_key, login):
    client = login(world.olga)
    page = client.get(reverse("tracing:request", args=[trace.request_id]))
    assert reverse("exchange:trace_query_create", args=[trace.pk]).encode() in page.content
    url = reverse("exchange:trace_query_create", args=[trace.pk])
    before = AuditEvent.objects.filter(actor=world.olga, action="view").count()
    form = client.get(url)
    assert form.status_code == 200 and b"No name, no date and no place" in form.content
    assert AuditEvent.objects.filter(actor=world.olga, action="view").count() > before
    resp = client.post(
        url,
        {
            "partner": remote.partner.pk,
            "purpose": "Family tracing",
            "legal_basis": "vital_interest",
            "retention_days": "60",
            "urgent": "on",
        },
    )
    req = CrossBorderRequest.objects.system("test").get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("exchange:request", args=[req.pk])
    assert req.urgent and req.retention_days == 60
    detail = client.get(reverse("exchange:request", args=[req.pk]))
    assert detail.status_code == 200
    assert b"only keyed encodings leave the country" in detail.content
    assert b"Rakhimov" not in detail.content and b"Muhammad" not in detail.content


# --------------------------------------------------------------------------- approval


def test_submit_needs_the_do_no_harm_check(world, trace, remote, network_key):
    req = draft(world, trace, remote)
    with pytest.raises(ValidationError):
        xs.request_submit(actor=world.olga, request_id=req.pk)
    xs.request_harm_check(actor=world.olga, request_id=req.pk, risk=True, note="Abuser abroad")
    with pytest.raises(ValidationError):
        xs.request_submit(actor=world.olga, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == "blocked"


def test_approval_by_the_author_is_refused(world, remote, network_key):
    # Oscar, a supervisor of the office, prepares a query himself: he may not approve it.
    trace = tracing_request(world).traces.get()
    req = pending(world, trace, remote, actor=world.oscar)
    with pytest.raises(ValidationError, match="four eyes"):
        xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=True)
    req.refresh_from_db()
    assert req.status == "pending_approval" and not OutboundMessage.objects.exists()
    assert tq.pending_query_approvals(user=world.oscar) == []


def test_only_a_supervisor_of_the_office_decides(world, trace, remote, network_key, login):
    req = pending(world, trace, remote)
    with pytest.raises(PermissionDenied):  # a caseworker
        xs.tracing_query_decide(actor=world.olga, request_id=req.pk, approve=True)
    with pytest.raises(PermissionDenied):  # a supervisor of another office
        xs.tracing_query_decide(actor=world.sam, request_id=req.pk, approve=True)
    url = reverse("exchange:request_approval_decide", args=[req.pk])
    assert login(world.olga).post(url, {"decision": "approve"}).status_code == 403
    assert login(world.sam).post(url, {"decision": "approve"}).status_code == 404
    with pytest.raises(ValidationError):  # neither approve nor decline
        xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=None)
    req.refresh_from_db()
    assert req.status == "pending_approval" and not OutboundMessage.objects.exists()


def test_supervisor_approval_enqueues_exactly_one_message(
    world, trace, remote, network_key, login, django_capture_on_commit_callbacks
):
    req = pending(world, trace, remote)
    home = login(world.oscar).get(reverse("exchange:home"))
    assert str(req.pk).encode() in home.content and b"waiting for your approval" in home.content
    assert tq.pending_query_approvals(user=world.sam) == []
    with django_capture_on_commit_callbacks() as callbacks:
        resp = login(world.oscar).post(
            reverse("exchange:request_approval_decide", args=[req.pk]),
            {"decision": "approve", "reason": ""},
        )
    assert resp.status_code == 302 and callbacks  # delivery starts after commit
    req.refresh_from_db()
    assert req.status == "sent" and req.approved_by == world.oscar
    assert req.acknowledge_due and req.response_due and req.approval_decided_at
    msg = OutboundMessage.objects.get()
    assert msg.type == "tracing_query" and msg.request == req
    env = remote.read(msg.token)
    assert env["type"] == "tracing_query" and env["body"]["fields"] == req.fields
    text = json.dumps(env, ensure_ascii=False).lower()
    for plain in PLAIN:
        assert plain not in text
    disclosure = AuditEvent.objects.get(action="disclose")
    assert disclosure.actor == world.oscar and disclosure.detail["to"] == "uz-node"
    assert AuditEvent.objects.filter(actor=world.oscar, action="approve").exists()
    # deciding again changes nothing
    with pytest.raises(ValidationError):
        xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=True)
    assert OutboundMessage.objects.count() == 1


def test_decline_needs_a_reason_and_enqueues_nothing(world, trace, remote, network_key):
    req = pending(world, trace, remote)
    with pytest.raises(ValidationError, match="reason"):
        xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=False)
    req.refresh_from_db()
    assert req.status == "pending_approval"
    xs.tracing_query_decide(
        actor=world.oscar, request_id=req.pk, approve=False, reason="Ask the mother first"
    )
    req.refresh_from_db()
    assert req.status == "draft" and req.approval_reason == "Ask the mother first"
    assert req.approved_by is None and not OutboundMessage.objects.exists()
    assert AuditEvent.objects.filter(actor=world.oscar, action="reject").exists()


def test_consent_withdrawn_before_approval_blocks_sending(world, trace, remote, network_key):
    req = pending(world, trace, remote)
    type(trace.request).objects.system("test").filter(pk=trace.request_id).update(
        consent_to_share=False
    )
    with pytest.raises(ValidationError, match="did not agree"):
        xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=True)
    assert not OutboundMessage.objects.exists()


# --------------------------------------------------------------------------- the result


def result_body(ref, *scores):
    fields = {"pprl_version": pprl.PPRL_VERSION, "match_count": len(scores)}
    refs = []
    for i, score in enumerate(scores, start=1):
        refs.append(str(uuid.uuid4()))
        fields[f"match_{i}"] = refs[-1]
        fields[f"score_{i}"] = score
    return {"ref": str(ref), "fields": fields}, refs


def test_a_received_result_shows_on_the_trace_for_the_requesting_side(
    world, trace, remote, network_key, login, django_capture_on_commit_callbacks
):
    req = sent(world, trace, remote, django_capture_on_commit_callbacks)
    body, refs = result_body(req.ref, 91, 64)
    _env, token = remote.send("tracing_result", body)
    with django_capture_on_commit_callbacks(execute=False):
        assert xs.inbox_receive(token)[0] == "received"
    req.refresh_from_db()
    assert req.result["match_count"] == 2 and req.status == "completed" and req.responded_at
    page = login(world.olga).get(reverse("tracing:request", args=[trace.request_id]))
    content = page.content.decode()
    assert "2 likely matches" in content
    assert "probability 91 %" in content and "probability 64 %" in content
    assert refs[0] in content and refs[1] in content
    assert "Ask the partner for the details" in content
    # The supervisor of the office sees it too; nobody outside the request's scope does.
    assert refs[0] in login(world.oscar).get(page.request["PATH_INFO"]).content.decode()
    assert login(world.alice).get(page.request["PATH_INFO"]).status_code == 404
    # The same node receiving a query (as the partner) shows nothing on any trace.
    query = tq.tracing_query_body(trace, purpose="Family tracing", legal_basis="vital_interest")
    _env, token = remote.send("tracing_query", query)
    with django_capture_on_commit_callbacks(execute=False):
        xs.inbox_receive(token)
    received = CrossBorderRequest.objects.system("test").get(direction="in", kind="tracing_query")
    assert received.trace is None
    page = login(world.olga).get(reverse("tracing:request", args=[trace.request_id]))
    assert str(received.pk) not in page.content.decode()
    assert tq.trace_queries(user=world.olga, trace=trace) == [req]


def test_a_result_for_a_request_that_is_not_a_query_is_refused(
    world, trace, remote, network_key, django_capture_on_commit_callbacks
):
    req = pending(world, trace, remote)  # not sent yet
    body, _refs = result_body(req.ref, 90)
    _env, token = remote.send("tracing_result", body)
    with pytest.raises(protocol.Rejected):
        xs.inbox_receive(token)
    req.refresh_from_db()
    assert req.result is None and req.status == "pending_approval"


# --------------------------------------------------------------------------- the details


def test_asking_for_the_details_of_a_likely_match(
    world, trace, remote, network_key, login, django_capture_on_commit_callbacks
):
    query = sent(world, trace, remote, django_capture_on_commit_callbacks)
    body, refs = result_body(query.ref, 88)
    _env, token = remote.send("tracing_result", body)
    with django_capture_on_commit_callbacks(execute=False):
        xs.inbox_receive(token)
    with pytest.raises(ValidationError):  # not one of the partner's references
        xs.tracing_details_draft(actor=world.olga, request_id=query.pk, reference="x")
    with pytest.raises(PermissionDenied):
        xs.tracing_details_draft(actor=world.alice, request_id=query.pk, reference=refs[0])
    client = login(world.olga)
    resp = client.post(
        reverse("exchange:trace_details_create", args=[query.pk]), {"reference": refs[0]}
    )
    ask = CrossBorderRequest.objects.system("test").get(kind="information_request")
    assert resp.status_code == 302
    assert resp["Location"] == reverse("exchange:request", args=[ask.pk])
    assert ask.trace == trace and ask.case is None and ask.partner == remote.partner
    assert ask.fields["tracing_reference"] == refs[0]
    assert ask.fields["tracing_query_ref"] == str(query.ref)
    # from our side: only what the information-request profile requires
    assert set(ask.fields) == {
        "child_given_name",
        "information_sought",
        "tracing_query_ref",
        "tracing_reference",
    }
    with pytest.raises(ValidationError, match="already"):
        xs.tracing_details_draft(actor=world.olga, request_id=query.pk, reference=refs[0])
    # the same four eyes: harm check, submission, a supervisor of the office approves
    xs.request_harm_check(actor=world.olga, request_id=ask.pk, risk=False, note="ok")
    xs.request_submit(actor=world.olga, request_id=ask.pk)
    assert OutboundMessage.objects.filter(type="information_request").count() == 0
    with django_capture_on_commit_callbacks(execute=False):
        xs.tracing_query_decide(actor=world.oscar, request_id=ask.pk, approve=True)
    msg = OutboundMessage.objects.get(type="information_request")
    env = remote.read(msg.token)
    assert env["body"]["fields"]["tracing_reference"] == refs[0]
    page = client.get(reverse("tracing:request", args=[trace.request_id])).content.decode()
    assert "Details asked for" in page


def test_the_receiving_node_links_a_details_request_to_the_case_behind_the_reference(
    world, remote, network_key, login, django_capture_on_commit_callbacks
):
    case = register(world.alice)  # Мухаммед Рахимов, born 2 May 2014, Alice's case
    consent(world, case)
    other = register(world.alice, given="Aisha", family="Nurlanova")
    consent(world, other)
    # the partner (uz-node) queries us; we answer with a pseudonymous reference
    query = tq.tracing_query_body(
        tracing_request(world).traces.get(), purpose="Family tracing", legal_basis="consent"
    )
    _env, token = remote.send("tracing_query", query)
    with django_capture_on_commit_callbacks(execute=False):
        xs.inbox_receive(token)
    received = CrossBorderRequest.objects.system("test").get(direction="in", kind="tracing_query")
    result = tq.answer_tracing_query(received)
    reference = result["fields"]["match_1"]
    # then it asks for the details of that reference
    ask = {
        "ref": str(uuid.uuid4()),
        "purpose": tq.DETAILS_PURPOSE,
        "legal_basis": "consent",
        "retention_days": 90,
        "urgent": False,
        "fields": {
            "child_given_name": "Muhammad",
            "information_sought": "Identity and contacts",
            "tracing_query_ref": query["ref"],
            "tracing_reference": reference,
        },
    }
    _env, token = remote.send("information_request", ask)
    with django_capture_on_commit_callbacks(execute=False):
        xs.inbox_receive(token)
    inbound = CrossBorderRequest.objects.system("test").get(
        direction="in", kind="information_request"
    )
    assert inbound.case == case
    # the child's caseworker sees it on the case; a coordinator decides, on the same case
    page = login(world.alice).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert str(inbound.pk) in page
    with django_capture_on_commit_callbacks(execute=False):
        xs.request_decide(actor=world.carl, request_id=inbound.pk, accept=True)
    inbound.refresh_from_db()
    assert inbound.status == "accepted" and inbound.case == case
    # an unknown reference links nothing
    stray = {**ask, "ref": str(uuid.uuid4())}
    stray["fields"] = {**ask["fields"], "tracing_reference": str(uuid.uuid4())}
    _env, token = remote.send("information_request", stray)
    with django_capture_on_commit_callbacks(execute=False):
        xs.inbox_receive(token)
    assert CrossBorderRequest.objects.system("test").get(ref=stray["ref"]).case is None
    # the details go back only once a supervisor of the child's side approves them too
    from kinlink.cases import services as cs
    from kinlink.cases.models import Approval
    from kinlink.exchange.models import HeldMessage

    report = {"visit_date": str(date.today()), "child_seen": True, "wellbeing": "Safe, in care"}
    with pytest.raises(ValidationError):  # bad input is refused at once, nothing is held
        xs.message_send(
            actor=world.alice, request_id=inbound.pk, type_="follow_up_report",
            fields={"child_seen": True},
        )
    assert not HeldMessage.objects.exists()
    held = xs.message_send(
        actor=world.alice, request_id=inbound.pk, type_="follow_up_report", fields=report
    )
    assert isinstance(held, HeldMessage) and held.status == "pending"
    assert not OutboundMessage.objects.filter(request=inbound, type="follow_up_report").exists()
    ap = Approval.objects.system("test").get(subject="crossborder", subject_id=held.pk)
    with pytest.raises(PermissionDenied):  # not the author (four eyes)
        cs.approval_decide(actor=world.alice, approval_id=ap.pk, approve=True)
    with django_capture_on_commit_callbacks(execute=False):
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    held.refresh_from_db()
    assert held.status == "sent"
    (msg,) = OutboundMessage.objects.filter(request=inbound, type="follow_up_report")
    assert remote.read(msg.token)["body"]["fields"]["wellbeing"] == "Safe, in care"
    # a returned report sends nothing
    second = xs.message_send(
        actor=world.alice, request_id=inbound.pk, type_="follow_up_report", fields=report
    )
    ap = Approval.objects.system("test").get(subject_id=second.pk)
    cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=False, comment="Not yet")
    second.refresh_from_db()
    assert second.status == "returned"
    assert OutboundMessage.objects.filter(request=inbound, type="follow_up_report").count() == 1


def test_an_unanswered_query_alerts_the_coordinators(world, trace, remote, network_key):
    """A query sent from a trace has no case: when the partner does not answer in time, the
    alert is on the coordinators' board (rule 43) and clears with the answer."""
    import time_machine

    from kinlink.alerts import engine
    from kinlink.alerts.models import Alert

    req = pending(world, trace, remote)
    xs.tracing_query_decide(actor=world.oscar, request_id=req.pk, approve=True)
    req.refresh_from_db()
    with time_machine.travel(req.acknowledge_due + timedelta(minutes=1), tick=False):
        engine.evaluate_all()
        alert = Alert.objects.system("t").get(kind="xb_partner_ack_overdue", cleared_at=None)
        assert alert.case_id is None and alert.subject_id == str(req.pk)
        CrossBorderRequest.objects.system("t").filter(pk=req.pk).update(
            acknowledged_at=req.acknowledge_due, responded_at=req.acknowledge_due,
            status="completed",
        )
        engine.evaluate_all()
        alert.refresh_from_db()
        assert alert.cleared_at is not None
