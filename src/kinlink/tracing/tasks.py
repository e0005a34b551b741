"""Matching runs as tasks: a request returns at once, the worker computes the matches."""

from __future__ import annotations

from django_tasks import task

from . import matching


@task()
def match_trace(trace_id: str) -> int:
    """Potential matches of one trace against every matchable child."""
    return matching.match_trace(trace_id)


@task()
def match_case(case_id: str) -> int:
    """Refresh a child in the index; match it against open traces and look for duplicates."""
    return matching.match_case(case_id)


@task()
def rematch_open_traces() -> int:
    """Daily safety net: re-run every open trace (events can be missed while a worker is down)."""
    from . import engine

    engine.reset()
    return sum(
        matching.match_trace(str(pk)) for pk in engine.open_traces().values_list("pk", flat=True)
    )
