from __future__ import annotations

from . import context


class RequestContextMiddleware:
    """Remembers the client address, agent and path so audit entries can say where from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_current(
            context.RequestContext(
                ip=request.META.get("REMOTE_ADDR", ""),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
                path=request.path[:300],
                channel=channel,
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
