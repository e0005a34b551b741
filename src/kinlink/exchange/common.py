"""What every write module of the exchange app shares: the role check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can

from .models import RequestStatus

S = RequestStatus


def require(user, *capabilities: str) -> None:
    if not any(can(user, c) for c in capabilities):
        raise PermissionDenied(_("Your role may not do this."))
