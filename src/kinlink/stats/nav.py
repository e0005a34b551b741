"""The navigation entry of the statistics pages (its label lives in this app's catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import can


def entry(user):
    """The menu label for users who may see statistics, else an empty string."""
    if can(user, "see_statistics") or can(user, "approve_releases"):
        return _("Statistics")
    return ""
