"""The statistics' fact tables are rebuilt by a task: daily through the periodic scheduler
(``kinlink.core.scheduler.JOBS``), and whenever someone enqueues it (``refresh_facts.enqueue()``,
for example from the dashboard's refresh button). Figures always say when they were computed
(``services.facts_refreshed_at``)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_facts() -> int:
    """Rebuild the fact tables from the case records; returns the number of case facts."""
    from .services import facts_refresh

    return facts_refresh()
