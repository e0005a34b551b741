"""Extension points other domains plug into the case workflow (explicit, synchronous, tested).

- ``approval_handlers[subject]``: called inside ``approval_decide``'s transaction with
  ``(case, approval, approved: bool)`` for subjects another app owns (e.g. verification).
- ``closure_checks``: called with ``(case)`` before closure is requested; each returns a list
  of messages that refuse the closure (e.g. post-reunification follow-up not done).
- ``action_completion_checks``: called with ``(case, action, status)`` before a case-plan
  action's status changes; each returns a list of messages that refuse the change (e.g. the
  release from immigration detention is not done while the child is still detained).
- ``case_changed``: called with ``(case_id, what)`` after a case's child data, consent or
  status changed (on commit), e.g. to refresh the matching index.
"""

from __future__ import annotations

from collections.abc import Callable

approval_handlers: dict[str, Callable] = {}
closure_checks: list[Callable] = []
action_completion_checks: list[Callable] = []
case_changed: list[Callable] = []


def notify_case_changed(case_id, what: str) -> None:
    from django.db import transaction

    for fn in case_changed:
        transaction.on_commit(lambda fn=fn: fn(case_id, what))
