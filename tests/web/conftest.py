"""Signed-in clients for the web tests: each persona gets a TOTP authenticator first."""

from __future__ import annotations

import pytest

from kinlink.accounts.mfa import activate_totp


@pytest.fixture
def login(client):
    """``login(user)`` signs the user in (with a second factor set up) and returns the client."""

    def _login(user):
        activate_totp(user)
        client.force_login(user)
        return client

    return _login
