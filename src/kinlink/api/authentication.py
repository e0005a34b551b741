"""API authentication: tokens, and browser sessions of users who have a second factor."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from kinlink.accounts.mfa import has_second_factor
from kinlink.accounts.roles import ROLES_REQUIRING_MFA


class SecondFactorSessionAuthentication(SessionAuthentication):
    """A browser session counts only once the user has a second factor.

    Tokens are issued after a login with a second factor; a session of a user who has not set
    one up yet (the web middleware sends them to the set-up page) must not reach child data
    through the API either.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if getattr(user, "role", None) in ROLES_REQUIRING_MFA and not has_second_factor(user):
            raise exceptions.AuthenticationFailed("Set up a second factor before using the API.")
        return result


class SecondFactorSessionScheme(SessionScheme):
    target_class = SecondFactorSessionAuthentication
