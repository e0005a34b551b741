"""The profile page: language and the API token (shown once)."""

from django.urls import reverse
from rest_framework.authtoken.models import Token


def test_profile_renders_for_every_role(world, login):
    for user in (world.alice, world.stan, world.sys):
        response = login(user).get(reverse("accounts:profile"))
        assert response.status_code == 200
        assert user.username in response.content.decode()


def test_token_is_shown_once_then_revoked(world, login):
    client = login(world.alice)
    response = client.post(reverse("accounts:token_create"))
    token = Token.objects.get(user=world.alice)
    assert token.key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert token.key not in client.get(reverse("accounts:profile")).content.decode()
    again = client.post(reverse("accounts:token_create"))
    new = Token.objects.get(user=world.alice)
    assert new.key != token.key and new.key in again.content.decode()
    client.post(reverse("accounts:token_revoke"))
    assert not Token.objects.filter(user=world.alice).exists()


def test_token_needs_a_second_factor(world, client):
    client.force_login(world.alice)  # no TOTP set up
    response = client.post(reverse("accounts:token_create"))
    assert response.status_code == 302
    assert not Token.objects.filter(user=world.alice).exists()


def test_token_views_need_post(world, login):
    assert login(world.alice).get(reverse("accounts:token_create")).status_code == 405
