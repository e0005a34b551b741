"""The navigation entry of questionnaires: its label (from this app's catalogue) or ''."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kinlink.accounts.roles import can

CAPABILITIES = ("answer_city_survey", "see_city_surveys", "conduct_interviews", "manage_forms")


def entry(user) -> str:
    return _("Questionnaires") if any(can(user, c) for c in CAPABILITIES) else ""
