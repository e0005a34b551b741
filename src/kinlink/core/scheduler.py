"""Periodic jobs: the task backend neither schedules nor retries, so `kinlink worker` runs
this loop beside the task worker. Each job is enqueued as a task when due; a row per job in
``PeriodicRun`` (claimed under a row lock) keeps several workers from running it twice."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: str  # dotted path of a django_tasks task


JOBS: list[Job] = [
    Job(
        "tracing.rematch_open_traces",
        timedelta(hours=24),
        "kinlink.tracing.tasks.rematch_open_traces",
    ),
    Job("alerts.evaluate_all", timedelta(hours=1), "kinlink.alerts.tasks.evaluate_all_alerts"),
    Job("exchange.deliver_due", timedelta(minutes=1), "kinlink.exchange.tasks.deliver_due"),
    Job("stats.refresh_facts", timedelta(hours=24), "kinlink.stats.tasks.refresh_facts"),
]


def due_jobs(now=None) -> list[Job]:
    """Claim and return the jobs whose interval has passed (marks them as run)."""
    from .models import PeriodicRun

    now = now or timezone.now()
    claimed = []
    for job in JOBS:
        with transaction.atomic():
            row, _created = PeriodicRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_run_at": None}
            )
            if row.last_run_at is None or row.last_run_at + job.every <= now:
                row.last_run_at = now
                row.save(update_fields=["last_run_at"])
                claimed.append(job)
    return claimed


def run_due(now=None) -> list[str]:
    names = []
    for job in due_jobs(now):
        import_string(job.task).enqueue()
        names.append(job.name)
    return names


class SchedulerThread(threading.Thread):
    def __init__(self, interval: float = 60.0):
        super().__init__(name="kinlink-scheduler", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                for name in run_due():
                    log.info("enqueued periodic job %s", name)
            except Exception:  # keep the loop alive; the next tick tries again
                log.exception("periodic scheduler tick failed")
            self.stopping.wait(self.interval)
