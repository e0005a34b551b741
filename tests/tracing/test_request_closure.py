"""Closing a tracing request with its outcome: who may, what each outcome needs, and what
closing does to the children still sought (out of matching, pending matches withdrawn)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kinlink.core.models import AuditEvent
from kinlink.tracing import choices as t
from kinlink.tracing import engine
from kinlink.tracing import services as ts
from kinlink.tracing.models import PotentialMatch, Trace, TracingRequest

from .test_tracing_workflow import child_with_consent, request_for


@pytest.fixture(autouse=True)
def fresh_engine():
    engine.reset()
    yield
    engine.reset()


def pending_request(world, run):
    """Olga's request for Muhammad, with a pending potential match to Alice's child."""
    child_with_consent(world, run, given="Мухаммед", family="Рахимов")
    req = request_for(world, run, given_name="Muhammad", family_name="Rakhimov", sex="male")
    assert PotentialMatch.objects.system("test").filter(trace__request=req).exists()
    return req


def test_closing_as_not_found_closes_traces_and_withdraws_pending_matches(world, run):
    req = pending_request(world, run)
    trace = req.traces.get()
    assert str(trace.pk) in engine.traces_index()
    run(
        ts.tracing_request_close,
        actor=world.olga,
        request_id=req.pk,
        outcome=t.RequestOutcome.NOT_FOUND,
        note="All known addresses visited; RFL found nothing.",
    )
    req.refresh_from_db()
    trace.refresh_from_db()
    assert req.status == t.RequestStatus.CLOSED and req.closed_at is not None
    assert req.closure_outcome == t.RequestOutcome.NOT_FOUND
    assert trace.status == t.TraceStatus.CLOSED and trace.resolved_at == req.closed_at
    assert not PotentialMatch.objects.system("test").filter(trace=trace).exists()
    assert str(trace.pk) not in engine.traces_index()
    event = AuditEvent.objects.filter(object_id=str(req.pk), action="change").last()
    assert event.detail["closed"] == "not_found"
    assert event.detail["pending_matches_withdrawn"] == 1


def test_found_needs_a_confirmed_match_and_keeps_the_found_child(world, run):
    req = pending_request(world, run)
    with pytest.raises(ValidationError) as exc:
        ts.tracing_request_close(actor=world.olga, request_id=req.pk, outcome="found")
    assert "outcome" in exc.value.message_dict
    match = PotentialMatch.objects.system("test").get(trace__request=req)
    ts.match_review(actor=world.olga, match_id=match.pk, confirm=True, reason="Birthmark")
    trace = Trace.objects.system("test").get(request=req)
    assert trace.status == t.TraceStatus.MATCHED and trace.resolved_at is not None
    # a child was found: the request cannot be closed as anything else
    with pytest.raises(ValidationError) as exc:
        ts.tracing_request_close(
            actor=world.olga, request_id=req.pk, outcome="withdrawn", note="Mother moved"
        )
    assert "outcome" in exc.value.message_dict
    run(ts.tracing_request_close, actor=world.olga, request_id=req.pk, outcome="found")
    trace.refresh_from_db()
    assert trace.status == t.TraceStatus.MATCHED  # the found child keeps its state
    # the confirmed match, a decision, stays
    assert PotentialMatch.objects.system("test").get(pk=match.pk).state == "confirmed"


@pytest.mark.parametrize(
    ("outcome", "note", "field"),
    [
        ("lost", "x", "outcome"),
        ("withdrawn", "  ", "note"),
        ("other", "", "note"),
        ("other", "x" * 2001, "note"),
    ],
)
def test_bad_input_changes_nothing(world, run, outcome, note, field):
    req = pending_request(world, run)
    with pytest.raises(ValidationError) as exc:
        ts.tracing_request_close(actor=world.olga, request_id=req.pk, outcome=outcome, note=note)
    assert field in exc.value.message_dict
    req.refresh_from_db()
    assert req.status == t.RequestStatus.OPEN and req.closed_at is None
    assert PotentialMatch.objects.system("test").filter(trace__request=req).exists()


@pytest.mark.parametrize("who", ["alice", "stan", "umid"])
def test_only_those_who_may_change_the_request_close_it(world, run, who):
    req = pending_request(world, run)
    with pytest.raises(PermissionDenied):
        ts.tracing_request_close(
            actor=getattr(world, who), request_id=req.pk, outcome="withdrawn", note="x"
        )
    assert TracingRequest.objects.system("test").get(pk=req.pk).status == "open"


def test_closed_request_takes_no_more_actions_and_cannot_close_twice(world, run):
    req = pending_request(world, run)
    trace = req.traces.get()
    ts.tracing_request_close(actor=world.olga, request_id=req.pk, outcome="withdrawn", note="x")
    with pytest.raises(ValidationError):
        ts.tracing_request_close(actor=world.olga, request_id=req.pk, outcome="other", note="y")
    with pytest.raises(ValidationError):
        ts.tracing_action_record(
            actor=world.olga,
            trace_id=trace.pk,
            method=t.TracingMethod.PHONE,
            done_on=date.today(),
            description="Called the uncle",
        )


def test_close_page(client, world, run, login):
    req = pending_request(world, run)
    login(world.olga)
    url = reverse("tracing:request", kwargs={"pk": req.pk})
    page = client.get(url)
    assert b'id="close"' in page.content
    close = reverse("tracing:request_close", kwargs={"pk": req.pk})
    bad = client.post(close, {"close-outcome": "withdrawn", "close-note": ""})
    assert bad.status_code == 400 and b"Say why the request is closed." in bad.content
    ok = client.post(close, {"close-outcome": "withdrawn", "close-note": "Found by the family"})
    assert ok.status_code == 302
    page = client.get(url)
    assert b'id="closure"' in page.content and b'id="close"' not in page.content
    # a caseworker of another office sees no close form and cannot post one
    login(world.alice)
    assert client.post(close, {"close-outcome": "other", "close-note": "x"}).status_code in (
        403,
        404,
    )
