"""API test helpers: a client per persona, URLs by name, row counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kinlink.core.models import AuditEvent


def url(name: str, **kwargs) -> str:
    return reverse(f"v1:{name}", kwargs={k: str(v) for k, v in kwargs.items()})


@pytest.fixture
def client_for():
    """``client_for(user)``: an APIClient authenticated as ``user`` (or anonymous for None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


def audit_events(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]
