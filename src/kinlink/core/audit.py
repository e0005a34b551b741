"""Writing and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import context
from .models import AuditEvent, AuditHead


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    case_id=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one entry to the chain (inside the caller's transaction, if any)."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=user,
            actor_name=(user.get_username() if user else (str(actor) if actor else "system")),
            action=action,
            object_type=object_type,
            object_id=object_id,
            case_id=case_id,
            detail=detail or {},
            channel=ctx.channel,
            ip=ctx.ip,
            user_agent=ctx.user_agent,
            path=ctx.path,
            prev_hash=head.last_hash,
        )
        event.entry_hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Recompute every hash in order; report the first entry that does not fit."""
    prev = AuditEvent.GENESIS
    expected_seq = None
    checked = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch):
        if expected_seq is not None and event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "entry missing")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.seq, "previous hash does not match")
        if event.compute_hash() != event.entry_hash:
            return VerifyResult(False, checked, event.seq, "entry content was changed")
        prev = event.entry_hash
        expected_seq = event.seq + 1
        last_seq = event.seq
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev):
        return VerifyResult(False, checked, last_seq + 1, "entries after the last one were removed")
    return VerifyResult(True, checked)
