"""The periodic evaluation of every alert rule (kinlink.core.scheduler JOBS)."""

from __future__ import annotations

from django_tasks import task


@task()
def evaluate_all_alerts() -> dict:
    from .engine import evaluate_all

    return evaluate_all()
