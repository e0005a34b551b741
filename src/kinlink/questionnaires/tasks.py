"""Exports and imports of responses run as tasks: the request returns at once, the worker
does the work and records progress on the ``DataJob``."""

from __future__ import annotations

from django_tasks import task


@task()
def run_data_job(job_id: str) -> str:
    from .jobs import run

    return run(job_id)
