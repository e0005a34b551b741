"""Outbox delivery over HTTPS with retries and exponential backoff (our own tested code: the
task backend neither schedules nor retries).

One attempt: POST the sealed message (``application/jose``) to the partner's inbox. The
answers:
- 200 with a signed receipt → delivered (the receipt is kept as proof);
- 409 ``replay`` with a signed "duplicate" receipt → delivered earlier (our previous attempt
  reached the partner, but its answer was lost): delivered, nothing sent twice;
- another 4xx → refused for good (the reason is kept; a coordinator sees it);
- 5xx, a timeout or a refused connection → retry after ``backoff(attempts)``.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import ssl
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import protocol
from .models import OutboundMessage, PartnerNode

log = logging.getLogger(__name__)
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 3600.0
MAX_ATTEMPTS = 30
TIMEOUT_SECONDS = 15
LEASE = timedelta(seconds=60)  # a claimed message is not picked by another worker meanwhile


def backoff(attempts: int, *, jitter: float = 0.1, rng=random) -> timedelta:
    """Delay before attempt ``attempts + 1``: base · 2^(attempts−1), capped, ±10 % jitter."""
    base = min(BACKOFF_BASE_SECONDS * (2 ** max(attempts - 1, 0)), BACKOFF_MAX_SECONDS)
    return timedelta(seconds=base * (1 + rng.uniform(-jitter, jitter)))


def _ssl_context() -> ssl.SSLContext:
    cafile = (
        getattr(settings, "KINLINK_EXCHANGE_CA_FILE", "")
        or os.environ.get("KINLINK_EXCHANGE_CA_FILE", "")
        or None
    )
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def post(url: str, token: str) -> tuple[int, dict]:
    req = urllib.request.Request(  # noqa: S310 - https only (checked when the partner is added)
        url,
        data=token.encode("ascii"),
        method="POST",
        headers={"Content-Type": "application/jose", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS, context=_ssl_context()) as r:  # noqa: S310
            return r.status, _json(r.read(65536))
    except urllib.error.HTTPError as exc:
        return exc.code, _json(exc.read(65536))


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}


def claim(message_id) -> OutboundMessage | None:
    now = timezone.now()
    with transaction.atomic():
        msg = (
            OutboundMessage.objects.select_for_update()
            .select_related("partner")
            .filter(pk=message_id, status=OutboundMessage.Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if msg is None:
            return None
        msg.next_attempt_at = now + LEASE
        msg.save(update_fields=["next_attempt_at", "updated_at"])
    return msg


def deliver(message_id, *, sender=post, local_id: str | None = None) -> str:
    """One delivery attempt; returns the new status ("queued" means: retry later)."""
    msg = claim(message_id)
    if msg is None:
        return "skipped"
    partner = msg.partner
    if partner.status != PartnerNode.Status.ACTIVE:
        _retry(msg, "partner not active", attempt=False)
        return "queued"
    url = partner.endpoint + "/exchange/inbox"
    try:
        status, data = sender(url, msg.token)
    except (
        OSError,
        ValueError,
        http.client.HTTPException,
    ) as exc:  # refused, reset, timeout, TLS failure
        _retry(msg, f"{type(exc).__name__}: {exc}"[:300])
        return "queued"
    peer = protocol.Peer(partner.node_id, partner.status, partner.jwks)
    if local_id is None:
        from .partners import node_profile

        local_id = node_profile().node_id
    if status == 200 or (status == 409 and data.get("error") == "replay" and data.get("receipt")):
        try:
            protocol.verify_receipt(
                data.get("receipt", ""), peer=peer, message_id=str(msg.pk), local_id=local_id
            )
        except protocol.Rejected as exc:
            _retry(msg, f"bad receipt: {exc.code}")
            return "queued"
        OutboundMessage.objects.filter(pk=msg.pk).update(
            status=OutboundMessage.Status.DELIVERED,
            delivered_at=timezone.now(),
            receipt=data["receipt"],
            attempts=msg.attempts + 1,
            last_error="",
        )
        return "delivered"
    if 400 <= status < 500 and status not in (408, 425, 429):
        OutboundMessage.objects.filter(pk=msg.pk).update(
            status=OutboundMessage.Status.FAILED,
            attempts=msg.attempts + 1,
            last_error=f"{status} {data.get('error', '')}: {data.get('reason', '')}"[:300],
        )
        log.warning("partner %s refused message %s: %s", partner.node_id, msg.pk, status)
        return "failed"
    _retry(msg, f"HTTP {status}")
    return "queued"


def _retry(msg: OutboundMessage, error: str, attempt: bool = True) -> None:
    attempts = msg.attempts + (1 if attempt else 0)
    fields = {"attempts": attempts, "last_error": error, "updated_at": timezone.now()}
    if attempts >= MAX_ATTEMPTS:
        fields["status"] = OutboundMessage.Status.FAILED
    else:
        fields["next_attempt_at"] = timezone.now() + backoff(max(attempts, 1))
    OutboundMessage.objects.filter(pk=msg.pk).update(**fields)
    log.info("delivery of %s failed (attempt %s): %s", msg.pk, attempts, error)
    if fields.get("next_attempt_at"):
        _schedule(str(msg.pk), fields["next_attempt_at"])


def _schedule(message_id: str, when) -> None:
    """Re-enqueue for later when the task backend can defer; the periodic job covers the
    rest."""
    from .tasks import deliver_message

    backend = deliver_message.get_backend()
    if getattr(backend, "supports_defer", False):
        deliver_message.using(run_after=when).enqueue(message_id)


def due_ids(limit: int = 200) -> list:
    return list(
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.QUEUED, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
