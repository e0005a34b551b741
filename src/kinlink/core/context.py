"""Who is acting and from where, for the audit log (set per request by middleware)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    path: str = ""
    channel: str = "system"  # web | api | cli | task | system


_DEFAULT = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "kinlink_request_context", default=None
)


def current() -> RequestContext:
    return _current.get() or _DEFAULT


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
