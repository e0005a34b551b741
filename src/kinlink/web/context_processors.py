from __future__ import annotations

from django.conf import settings

from kinlink.accounts.roles import can
from kinlink.questionnaires.nav import entry as questionnaires_entry
from kinlink.stats.nav import entry as statistics_entry
from kinlink.training.nav import entry as training_entry


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
        "forms": questionnaires_entry(user),
        "training": training_entry(user),
        "statistics": statistics_entry(user),
        "alerts": can(user, "see_alerts"),
        "services": any(can(user, x) for x in ("work_case", "see_team", "receive_referrals")),
        "exchange": can(user, "exchange") or can(user, "work_case") or can(user, "approve"),
        "exchange_partners": can(user, "manage_exchange"),
    }
    return context
