"""Inbound privacy-preserving tracing queries: a rate limit per partner (a partner must not
probe the register with many variations) and an audit entry for every query scored."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kinlink.core.models import AuditEvent
from kinlink.exchange import protocol
from kinlink.exchange import services as xs
from kinlink.exchange import tracing_services as ts
from kinlink.exchange.models import CrossBorderRequest, InboundMessage

from .conftest import referral_body
from .test_pprl import KEY, _trace

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_key(settings):
    settings.KINLINK_PPRL_NETWORK_KEY = base64.b64encode(KEY).decode()
    return KEY


def _query(remote):
    body = ts.tracing_query_body(
        _trace("Muhammad", "Rakhimov"), purpose="Family tracing", legal_basis="vital_interest"
    )
    _env, token = remote.send("tracing_query", body)
    return body, token


def test_inbound_queries_are_rate_limited_per_partner(world, remote, network_key, settings):
    settings.KINLINK_PPRL_QUERIES_PER_HOUR = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            _body, token = _query(remote)
            assert xs.inbox_receive(token)[0] == "received"
        before = InboundMessage.objects.count()
        _body, token = _query(remote)
        with pytest.raises(protocol.Rejected) as exc:
            xs.inbox_receive(token)
        assert exc.value.code == "rate_limited" and exc.value.status == 429
        assert InboundMessage.objects.count() == before  # nothing stored
        # other message types are not limited
        _env, other = remote.send("referral", referral_body())
        assert xs.inbox_receive(other)[0] == "received"
    # an hour later the partner may query again (the sender's outbox retries a 429)
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        _body, token = _query(remote)
        assert xs.inbox_receive(token)[0] == "received"
    assert CrossBorderRequest.objects.system("t").filter(kind="tracing_query").count() == 3


def test_scoring_a_query_is_audited_without_child_data(world, consented_case, remote, network_key):
    body, token = _query(remote)
    xs.inbox_receive(token)
    req = CrossBorderRequest.objects.system("t").get(ref=body["ref"], direction="in")
    result = ts.answer_tracing_query(req)
    event = AuditEvent.objects.filter(action="search", object_id=str(req.pk)).get()
    assert event.actor is None
    assert event.detail["partner"] == "uz-node"
    assert event.detail["likely"] == result["fields"]["match_count"] == 1
    assert event.detail["scored"] >= 1
    text = str(event.detail)
    for secret in ("Мухаммед", "Рахимов", consented_case.number, str(consented_case.pk)):
        assert secret not in text
