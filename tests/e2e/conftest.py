"""Browser tests: Python Playwright driving Debian's chromium against pytest-django's live server.

Chromium is never downloaded by Playwright: the system one is used, and a missing browser is a
failure (not a skip), so the suite cannot silently pass without its browser tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "Chromium was not found on PATH. Install Debian's chromium "
            "(apt-get install -y chromium); the browser tests never download a browser.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(browser):
    """``new_page(viewport)``: a page in a fresh context (its own cookies)."""
    contexts = []

    def _new(viewport=DESKTOP, **kwargs):
        context = browser.new_context(viewport=viewport, **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _audit_trail_emptied_for_flush(transactional_db):
    """Let the transactional test's flush empty the append-only audit table.

    The audit table refuses DELETE by trigger (SQLite's flush deletes rows). After the test:
    drop the triggers, empty the table, put the triggers back; the flush then finds it empty.
    """
    yield
    import importlib

    from django.db import connection

    migration = importlib.import_module("kinlink.core.migrations.0002_audit_append_only")
    vendor = connection.vendor
    drop = {"sqlite": migration.SQLITE_DROP, "postgresql": migration.POSTGRES_DROP}
    create = {"sqlite": migration.SQLITE, "postgresql": migration.POSTGRES}
    with connection.cursor() as cursor:
        for sql in drop.get(vendor, []):
            cursor.execute(sql)
        cursor.execute("DELETE FROM core_auditevent")
        for sql in create.get(vendor, []):
            cursor.execute(sql)
