"""Production settings: HTTPS only, secrets from the environment."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("KINLINK_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
