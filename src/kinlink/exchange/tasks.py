"""Outbound delivery as tasks: each message on commit, and a periodic sweep of the outbox."""

from __future__ import annotations

from django_tasks import task

from . import delivery


@task()
def deliver_message(message_id: str) -> str:
    return delivery.deliver(message_id)


@task()
def deliver_due() -> int:
    """Safety net (every minute): whatever is due and was not scheduled (worker restarts)."""
    return sum(delivery.deliver(pk) == "delivered" for pk in delivery.due_ids())
