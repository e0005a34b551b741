from __future__ import annotations

from django.conf import settings

from kinlink.accounts.roles import can


def navigation(request):
    """What the navigation bar offers the signed-in user (by role; no child data), and the
    interface languages, each named in its own language (never translated)."""
    context = {"ui_languages": settings.LANGUAGES, "nav": {}}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context["nav"] = {
        "cases": can(user, "work_case") or can(user, "see_team"),
        "register": can(user, "register_child"),
        "approvals": can(user, "approve"),
        "tracing": can(user, "work_case") or can(user, "see_team"),
        "audit": can(user, "verify_audit"),
    }
    return context
