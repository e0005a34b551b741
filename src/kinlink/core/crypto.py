"""Field encryption (Fernet, rotatable) and blind indexes (HMAC) for the most sensitive data.

Keys are kept apart from SECRET_KEY:
- ``KINLINK_FIELD_KEYS``: comma-separated Fernet keys, newest first; or the file
  ``<KINLINK_KEY_DIR>/field.keys`` with one key a line, newest first.
- ``KINLINK_BLIND_INDEX_KEY``: a urlsafe-base64 32-byte key; or ``<KINLINK_KEY_DIR>/blind.key``.

On a machine with neither, the first use creates the key files (mode 0600), so the demo
works out of the box; production sets the environment variables from its secret store.
Rotation: ``kinlink keys new`` prepends a fresh key, ``kinlink keys rotate`` re-encrypts every
encrypted column with it, and the old key can then be dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "kl1:"
_lock = threading.Lock()
_cache: dict[str, object] = {}


class KeyError_(RuntimeError):
    """The configured keys are missing or malformed."""


def _key_dir() -> Path:
    return Path(settings.KINLINK_KEY_DIR)


def _read_or_create(path: Path, make) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make() + "\n")
    return path.read_text()


def field_keys() -> list[str]:
    env = os.environ.get("KINLINK_FIELD_KEYS")
    if env:
        keys = [k.strip() for k in env.split(",") if k.strip()]
    else:
        text = _read_or_create(_key_dir() / "field.keys", lambda: Fernet.generate_key().decode())
        keys = [line.strip() for line in text.splitlines() if line.strip()]
    if not keys:
        raise KeyError_("no field encryption key configured")
    return keys


def blind_index_key() -> bytes:
    env = os.environ.get("KINLINK_BLIND_INDEX_KEY")
    text = env or _read_or_create(
        _key_dir() / "blind.key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
    )
    return base64.urlsafe_b64decode(text.strip())


def _fernet() -> MultiFernet:
    keys = field_keys()
    cache_key = "|".join(keys)
    with _lock:
        cached = _cache.get("fernet")
        if cached is None or cached[0] != cache_key:
            try:
                cached = (cache_key, MultiFernet([Fernet(k.encode()) for k in keys]))
            except ValueError as exc:
                raise KeyError_(f"malformed field encryption key: {exc}") from exc
            _cache["fernet"] = cached
        return cached[1]


def reset_cache() -> None:
    with _lock:
        _cache.clear()


def encrypt(plaintext: str) -> str:
    return PREFIX + _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not Kinlink ciphertext")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise KeyError_("cannot decrypt: no configured key matches") from exc


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def rotate(stored: str) -> str:
    """Re-encrypt a stored value under the newest key."""
    return PREFIX + _fernet().rotate(stored[len(PREFIX) :].encode("ascii")).decode("ascii")


def rotate_bytes(token: bytes) -> bytes:
    return _fernet().rotate(token)


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed, deterministic digest for exact look-ups of an encrypted value.

    The value is case- and space-folded first; ``purpose`` separates indexes of different
    fields so equal values in two fields do not share a digest.
    """
    folded = "".join(value.split()).casefold()
    mac = hmac.new(blind_index_key(), f"{purpose}\x00{folded}".encode(), hashlib.sha256)
    return mac.hexdigest()


def new_field_key() -> str:
    return Fernet.generate_key().decode()
