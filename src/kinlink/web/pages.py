"""What every domain's page views share: a role refusal is a 403, a record outside the user's
scope (or that does not exist) is a 404 — never telling which of the two it was."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can


class RoleDenied(Exception):
    """The role (not the record) is refused: a 403, never turned into a 404."""


def require_role(user, *capabilities: str) -> None:
    if not any(can(user, cap) for cap in capabilities):
        raise RoleDenied


def page(view=None, *, also_not_found: tuple[type[Exception], ...] = ()):
    """Login required; RoleDenied → 403; PermissionDenied or a missing object → 404."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            try:
                return fn(request, *args, **kwargs)
            except RoleDenied:
                raise PermissionDenied from None
            except (PermissionDenied, ObjectDoesNotExist, *also_not_found):
                raise Http404(_("No such record.")) from None

        return login_required(wrapper)

    return decorate(view) if view is not None else decorate
