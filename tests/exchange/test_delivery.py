"""Outbox delivery: receipts, retries with exponential backoff, permanent refusals."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from kinlink.exchange import delivery, protocol
from kinlink.exchange import services as xs
from kinlink.exchange.models import OutboundMessage

from .conftest import referral_body

pytestmark = pytest.mark.django_db


def test_backoff_grows_exponentially_and_is_capped():
    rng = random.Random(1)
    plain = [delivery.backoff(n, jitter=0).total_seconds() for n in range(1, 6)]
    assert plain == [2, 4, 8, 16, 32]
    assert delivery.backoff(40, jitter=0).total_seconds() == delivery.BACKOFF_MAX_SECONDS
    for n in range(1, 10):
        d = delivery.backoff(n, rng=rng).total_seconds()
        base = min(2 * 2 ** (n - 1), 3600)
        assert 0.9 * base <= d <= 1.1 * base


@pytest.fixture
def queued(world, remote):
    """An outbound acknowledgement to the partner (an inbound request acknowledged)."""
    _env, token = remote.send("referral", referral_body())
    xs.inbox_receive(token)
    req = xs.CrossBorderRequest.objects.system("t").get()
    xs.request_acknowledge(actor=world.carl, request_id=req.pk)
    return OutboundMessage.objects.get()


def _partner_inbox(remote, *, duplicate=False):
    """A fake partner inbox that answers like the real one, with a signed receipt."""

    def sender(url, token):
        env = remote.read(token)
        receipt = protocol.sign_receipt(
            local=remote.local, message=env, status="duplicate" if duplicate else "received"
        )
        if duplicate:
            return 409, {"error": "replay", "receipt": receipt}
        return 200, {"status": "received", "receipt": receipt}

    return sender


def test_delivered_with_a_signed_receipt(queued, remote):
    assert queued.partner.endpoint + "/exchange/inbox"
    assert delivery.deliver(queued.pk, sender=_partner_inbox(remote)) == "delivered"
    queued.refresh_from_db()
    assert queued.status == "delivered" and queued.receipt and queued.attempts == 1


def test_duplicate_answer_counts_as_delivered(queued, remote):
    assert delivery.deliver(queued.pk, sender=_partner_inbox(remote, duplicate=True)) == (
        "delivered"
    )


def test_retries_with_backoff_while_the_partner_is_down(queued, remote):
    def down(url, token):
        raise ConnectionRefusedError("refused")

    assert delivery.deliver(queued.pk, sender=down) == "queued"
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.next_attempt_at > timezone.now()
    # not due yet: a second worker does not pick it
    assert delivery.deliver(queued.pk, sender=down) == "skipped"
    OutboundMessage.objects.filter(pk=queued.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(queued.pk, sender=lambda u, t: (503, {})) == "queued"
    queued.refresh_from_db()
    assert queued.attempts == 2
    wait = queued.next_attempt_at - timezone.now()
    assert timedelta(seconds=2) < wait < timedelta(seconds=6)
    OutboundMessage.objects.filter(pk=queued.pk).update(next_attempt_at=timezone.now())
    assert delivery.due_ids() == [queued.pk]
    assert delivery.deliver(queued.pk, sender=_partner_inbox(remote)) == "delivered"


def test_forged_receipt_is_not_accepted(queued, remote):
    def forged(url, token):
        env = remote.read(token)
        other = protocol.LocalNode("uz-node", protocol.new_signing_key(), [])
        return 200, {"receipt": protocol.sign_receipt(local=other, message=env, status="received")}

    assert delivery.deliver(queued.pk, sender=forged) == "queued"


def test_refusal_is_final(queued):
    assert (
        delivery.deliver(queued.pk, sender=lambda u, t: (400, {"error": "invalid", "reason": "no"}))
        == "failed"
    )
    queued.refresh_from_db()
    assert queued.status == "failed" and "invalid" in queued.last_error


def test_gives_up_after_max_attempts(queued):
    OutboundMessage.objects.filter(pk=queued.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
    assert delivery.deliver(queued.pk, sender=lambda u, t: (500, {})) == "queued"
    queued.refresh_from_db()
    assert queued.status == "failed"
