"""A received tracing query is answered by this node on its own: scored against the children
whose tracing consent allows it, and the tracing_result (pseudonymous references and scores
only) goes back through the outbox; nobody has to act and no name leaves."""

from __future__ import annotations

import base64

import pytest

from kinlink.exchange import services as xs
from kinlink.exchange import tracing_services as ts
from kinlink.exchange.models import CrossBorderRequest, OutboundMessage, PartnerNode

from .test_pprl import KEY, _trace

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_key(settings):
    settings.KINLINK_PPRL_NETWORK_KEY = base64.b64encode(KEY).decode()
    return KEY


def _receive(remote, capture):
    body = ts.tracing_query_body(
        _trace("Muhammad", "Rakhimov"), purpose="Family tracing", legal_basis="vital_interest"
    )
    _env, token = remote.send("tracing_query", body)
    with capture(execute=True):
        assert xs.inbox_receive(token)[0] == "received"
    return CrossBorderRequest.objects.system("t").get(ref=body["ref"], direction="in")


def test_a_received_query_is_answered_with_references_only(
    world, consented_case, remote, network_key, django_capture_on_commit_callbacks
):
    req = _receive(remote, django_capture_on_commit_callbacks)
    (msg,) = OutboundMessage.objects.filter(request=req, type="tracing_result")
    envelope = remote.read(msg.token)  # as the partner reads it
    fields = envelope["body"]["fields"]
    assert envelope["body"]["ref"] == str(req.ref)
    assert fields["match_count"] == 1 and fields["score_1"] >= 50
    assert fields["match_1"] == ts.pseudonym(str(req.ref), consented_case.pk)
    text = str(envelope)
    for secret in ("Мухаммед", "Рахимов", consented_case.number, str(consented_case.pk)):
        assert secret not in text
    req.refresh_from_db()
    assert req.status == "completed" and req.responded_at and req.acknowledged_at
    # answered once: running the task again sends nothing more
    assert ts.send_tracing_answer(req.pk) is None
    assert OutboundMessage.objects.filter(request=req, type="tracing_result").count() == 1


def test_no_network_key_no_answer(world, consented_case, remote, settings,
                                  django_capture_on_commit_callbacks):
    settings.KINLINK_PPRL_NETWORK_KEY = base64.b64encode(KEY).decode()
    body = ts.tracing_query_body(
        _trace("Muhammad", "Rakhimov"), purpose="Family tracing", legal_basis="vital_interest"
    )
    settings.KINLINK_PPRL_NETWORK_KEY = ""  # this node was not given the network's key
    _env, token = remote.send("tracing_query", body)
    with django_capture_on_commit_callbacks(execute=True):
        xs.inbox_receive(token)
    req = CrossBorderRequest.objects.system("t").get(ref=body["ref"], direction="in")
    assert not OutboundMessage.objects.filter(request=req).exists()
    assert req.responded_at is None


def test_a_suspended_partner_gets_no_answer(
    world, consented_case, remote, network_key, django_capture_on_commit_callbacks
):
    body = ts.tracing_query_body(
        _trace("Muhammad", "Rakhimov"), purpose="Family tracing", legal_basis="vital_interest"
    )
    _env, token = remote.send("tracing_query", body)
    xs.inbox_receive(token)  # received; the answer is not run yet
    req = CrossBorderRequest.objects.system("t").get(ref=body["ref"], direction="in")
    PartnerNode.objects.filter(pk=remote.partner.pk).update(status=PartnerNode.Status.SUSPENDED)
    assert ts.send_tracing_answer(req.pk) is None
    assert not OutboundMessage.objects.filter(request=req).exists()
