"""The layout: login and second-factor pages, language and direction, vendored assets."""

from pathlib import Path

from django.urls import reverse

import kinlink.web
from kinlink.accounts.mfa import activate_totp

STATIC = Path(kinlink.web.__file__).parent / "static"


def test_vendored_assets_and_licences_are_present():
    for name in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.rtl.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/bootstrap/LICENSE",
        "vendor/htmx/htmx.min.js",
        "vendor/htmx/LICENSE",
        "kinlink/kinlink.css",
    ]:
        assert (STATIC / name).stat().st_size > 0, name


def test_login_page_is_kinlink_styled_and_has_no_cdn(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert "vendor/htmx/htmx.min.js" in html
    assert 'name="login"' in html and 'name="password"' in html
    assert "https://" not in html.split("<body")[0]  # nothing loaded from elsewhere
    assert "sign up" not in html.lower()


def test_language_switch_to_arabic_gives_rtl_and_is_saved(world, login):
    client = login(world.alice)
    response = client.post(reverse("language_set"), {"language": "ar", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    world.alice.refresh_from_db()
    assert world.alice.language == "ar"
    html = client.get(reverse("web:home")).content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    client.post(reverse("language_set"), {"language": "fr", "next": "/"})
    html = client.get(reverse("web:home")).content.decode()
    assert 'lang="fr"' in html and 'dir="ltr"' in html


def test_language_switch_anonymous_uses_cookie_and_refuses_foreign_redirects(client, db):
    response = client.post(
        reverse("language_set"), {"language": "ru", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="ru"' in html


def test_unknown_language_is_ignored(world, login):
    client = login(world.alice)
    client.post(reverse("language_set"), {"language": "xx", "next": "/"})
    world.alice.refresh_from_db()
    assert world.alice.language == ""


def test_user_without_totp_is_sent_to_totp_setup_which_shows_the_secret(world, client):
    response = client.post(
        reverse("account_login"),
        {"login": "alice", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is added.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302 and page["Location"].startswith(
        reverse("account_reauthenticate")
    )
    reauth = client.get(page["Location"])
    assert reauth.status_code == 200 and "vendor/bootstrap" in reauth.content.decode()
    done = client.post(page["Location"], {"password": "correct-horse-battery-staple"})
    assert done.status_code == 302 and done["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="authenticator_secret"' in html
    secret = page.context["form"].secret
    assert secret and secret in html
    assert "data:image/svg+xml;base64," in html  # the QR code
    assert "vendor/bootstrap" in html


def test_second_factor_page_after_password(world, client):
    activate_totp(world.alice)
    response = client.post(
        reverse("account_login"),
        {"login": "alice", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


def test_lockout_page_renders(client, db):
    for _ in range(6):
        response = client.post(
            reverse("account_login"), {"login": "nobody", "password": "wrong-password-123"}
        )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_htmx_requests_carry_the_csrf_token(world, login):
    client = login(world.alice)
    html = client.get(reverse("web:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
