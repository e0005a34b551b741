"""``kinlink serve`` migrates, then runs runserver without the reloader (WhiteNoise serves
static files), and ``kinlink demo`` hands over to it unless told not to serve."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kinlink.core.management.commands import kinlink_demo, kinlink_serve


@pytest.fixture
def calls(monkeypatch):
    seen = []

    def fake(name, *args, **kwargs):
        seen.append((name, args, kwargs))

    class FakeWorker:
        def __init__(self, argv):
            seen.append(("worker", tuple(argv[2:4]), {}))

        def terminate(self):
            seen.append(("worker-stopped", (), {}))

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(kinlink_serve, "call_command", fake)
    monkeypatch.setattr(kinlink_serve.subprocess, "Popen", FakeWorker)
    return seen


def test_serve_migrates_and_runs_without_reloader_or_static_handler(calls):
    out = io.StringIO()
    call_command("kinlink_serve", "--port", "8123", stdout=out)
    assert [c[0] for c in calls] == ["migrate", "worker", "runserver", "worker-stopped"]
    assert calls[1][1] == ("kinlink.cli", "worker")
    _name, args, kwargs = calls[2]
    assert args == ("127.0.0.1:8123",)
    assert kwargs["use_reloader"] is False and kwargs["use_static_handler"] is False
    assert "http://localhost:8123/" in out.getvalue()


def test_serve_without_migrate_on_another_host(calls):
    call_command("kinlink_serve", "--host", "0.0.0.0", "--no-migrate", "--no-worker",
                 stdout=io.StringIO())
    assert [c[0] for c in calls] == ["runserver"]
    assert calls[0][1] == ("0.0.0.0:8000",)


def test_demo_hands_over_to_serve(monkeypatch):
    seen = []
    monkeypatch.setattr(kinlink_demo, "call_command", lambda name, *a, **k: seen.append(name))
    monkeypatch.setattr(kinlink_demo, "load", lambda **k: _Result())
    call_command("kinlink_demo", stdout=io.StringIO())
    assert seen == ["migrate", "kinlink_serve"]


class _Result:
    created = False
    logins = []
    counts = {}
    seconds = 0.0
