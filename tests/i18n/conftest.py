"""Fixtures for the translation tests: compiled catalogues and a signed-in client."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from asgiref.local import Local
from django.utils import translation
from django.utils.translation import trans_real

LOCALE = Path(__file__).resolve().parents[2] / "src" / "kinlink" / "locale"


def _compile_stale_catalogues() -> None:
    """Compile every .po whose .mo is missing or older (``make install`` does the same)."""
    msgfmt = shutil.which("msgfmt")
    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if not msgfmt:
            pytest.fail("GNU gettext (msgfmt) is needed to compile the catalogues", pytrace=False)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        os.close(fd)
        subprocess.run([msgfmt, "--check-format", "-o", tmp, str(po)], check=True)
        os.replace(tmp, mo)  # atomic: parallel workers never read half a file
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    _compile_stale_catalogues()
    yield
    translation.deactivate()
