"""The navigation entry of trainings: its label (from this app's catalogue) or ''."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kinlink.accounts.roles import can


def entry(user) -> str:
    return _("Training") if can(user, "manage_trainings") else ""
