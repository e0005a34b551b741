"""The user's own settings: interface language and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from kinlink.accounts.models import User
from kinlink.core import audit

from .forms import LanguageForm


def _safe_next(request, candidate: str, default: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@require_POST
def language_set(request):
    """Switch the interface language; remembered on the account and in a cookie."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next", ""))
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=code)
        request.user.language = code
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _profile_context(request, **extra):
    token = Token.objects.filter(user=request.user).first()
    ctx = {
        "nav_active": "profile",
        "token": token,
        "language_form": LanguageForm(
            initial={"language": translation.get_language(), "next": request.path}
        ),
    }
    ctx.update(extra)
    return ctx


@login_required
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def token_create(request):
    """Issue a fresh API token (replacing any old one) and show it once."""
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    audit.record(
        actor=request.user,
        action="create",
        object_type="authtoken.token",
        object_id=str(request.user.pk),
    )
    response = render(
        request, "accounts/profile.html", _profile_context(request, new_key=token.key)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request):
    deleted, _rows = Token.objects.filter(user=request.user).delete()
    if deleted:
        audit.record(
            actor=request.user,
            action="delete",
            object_type="authtoken.token",
            object_id=str(request.user.pk),
        )
        messages.success(request, _("Your API token was revoked."))
    return HttpResponseRedirect(reverse("accounts:profile"))
