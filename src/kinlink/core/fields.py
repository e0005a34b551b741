"""Model fields for encrypted data."""

from __future__ import annotations

import json

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored as Fernet ciphertext; Python sees the plaintext.

    Encrypted columns cannot be filtered or ordered on; add a blind index where an exact
    look-up is needed (see ``crypto.blind_index``).
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(crypto.PREFIX):
            return crypto.decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))


class EncryptedJSONField(models.TextField):
    """A JSON value stored encrypted (for structured sensitive data such as findings)."""

    description = "Encrypted JSON"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value):
        if isinstance(value, str):
            if value.startswith(crypto.PREFIX):
                return json.loads(crypto.decrypt(value))
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
