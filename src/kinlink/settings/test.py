"""Test settings: fast hashing, in-process tasks, a throwaway key directory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
KINLINK_KEY_DIR = Path(tempfile.mkdtemp(prefix="kinlink-test-keys-"))
STORAGES["default"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="kinlink-test-files-")  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AXES_ENABLED = True
DEBUG = False
