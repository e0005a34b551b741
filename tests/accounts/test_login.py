"""Login with a second factor, lockout, session lifetime and password policy."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kinlink.accounts.mfa import activate_totp, current_code
from kinlink.core.models import AuditEvent

from ..conftest import PASSWORD


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"login": username, "password": password})


def test_login_requires_totp_code_when_user_has_one(world, client):
    secret = activate_totp(world.alice)
    resp = _login(client, "alice")
    assert resp.status_code == 302 and "/accounts/2fa/authenticate/" in resp["Location"]
    # not logged in yet: protected pages still send to login
    assert client.get("/").status_code == 302
    bad = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert bad.status_code == 200  # form re-rendered with an error
    ok = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=world.alice).exists()


def test_user_without_second_factor_must_set_one_up(world, client):
    _login(client, "bob")
    resp = client.get("/")
    assert resp.status_code == 302 and "/accounts/2fa/totp/activate" in resp["Location"]


def test_recovery_codes_are_created_with_totp(world):
    from allauth.mfa.models import Authenticator

    activate_totp(world.alice)
    types = set(Authenticator.objects.filter(user=world.alice).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}


def test_totp_secret_is_stored_encrypted(world):
    from allauth.mfa.models import Authenticator

    secret = activate_totp(world.alice)
    stored = Authenticator.objects.get(user=world.alice, type="totp").data["secret"]
    assert stored.startswith("kl1:") and secret not in stored


def test_lockout_after_five_failures_even_with_right_password(world, client):
    for _ in range(5):
        _login(client, "alice", "wrong-password-x")
    resp = _login(client, "alice")
    assert resp.status_code in (403, 429)
    assert "/accounts/2fa/" not in resp.get("Location", "")
    # another account from the same address is not locked by Alice's failures
    activate_totp(world.bob)
    resp_bob = _login(client, "bob")
    assert resp_bob.status_code == 302


def test_session_expires_after_inactivity_and_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.parametrize("password", ["short1!", "password1234", "123456789012", "alice-alice"])
def test_weak_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=world.alice)


def test_signup_is_closed(client):
    resp = client.get("/accounts/signup/")
    assert resp.status_code in (200, 302, 403, 404)
    if resp.status_code == 200:
        assert b"closed" in resp.content.lower() or b"signup" not in resp.content.lower()
