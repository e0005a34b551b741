from __future__ import annotations

from kinlink.accounts.roles import can


def navigation(request):
    """What the navigation bar offers the signed-in user (by role; no child data)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "cases": can(user, "work_case") or can(user, "see_team"),
            "register": can(user, "register_child"),
            "approvals": can(user, "approve"),
            "audit": can(user, "verify_audit"),
        }
    }
