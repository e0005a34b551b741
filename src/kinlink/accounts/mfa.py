"""Second factors (TOTP via django-allauth's mfa app)."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth


def has_second_factor(user) -> bool:
    cache = getattr(user, "_kinlink_has_mfa", None)
    if cache is None:
        cache = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._kinlink_has_mfa = cache
    return cache


def activate_totp(user, secret: str | None = None) -> str:
    """Give ``user`` a TOTP authenticator (and recovery codes); return the base32 secret."""
    secret = secret or totp_auth.generate_totp_secret()
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    totp_auth.TOTP.activate(user, secret)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    user._kinlink_has_mfa = True
    return secret


def current_code(secret: str, offset_steps: int = 0) -> str:
    """The TOTP code for now (demo and tests: what the authenticator app would show)."""
    counter = int(time.time()) // 30 + offset_steps
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))
