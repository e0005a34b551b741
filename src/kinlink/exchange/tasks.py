"""Outbound delivery as tasks: each message on commit, and a periodic sweep of the outbox."""

from __future__ import annotations

from django_tasks import task

from . import delivery


@task()
def deliver_message(message_id: str) -> str:
    return delivery.deliver(message_id)


@task()
def answer_tracing_query(request_id: str) -> int | None:
    """A received tracing query is scored and answered (references and scores only)."""
    from .tracing_services import send_tracing_answer

    return send_tracing_answer(request_id)


@task()
def deliver_due() -> int:
    """Safety net (every minute): whatever is due and was not scheduled (worker restarts)."""
    return sum(delivery.deliver(pk) == "delivered" for pk in delivery.due_ids())
