from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .mfa import has_second_factor
from .roles import ROLES_REQUIRING_MFA


class UserLanguageMiddleware:
    """Use the language a signed-in user chose, whatever the browser says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """A user whose role sees personal data must set up TOTP before doing anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "role", None) in ROLES_REQUIRING_MFA
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")  # API tokens are issued after MFA
            and not has_second_factor(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
