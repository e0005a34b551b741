"""Key rotation: re-encrypt every encrypted column, attachment and TOTP secret."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from . import crypto
from .fields import EncryptedJSONField, EncryptedTextField


@dataclass
class RotationReport:
    columns: dict[str, int] = field(default_factory=dict)
    files: int = 0
    secrets: int = 0

    @property
    def total(self) -> int:
        return sum(self.columns.values()) + self.files + self.secrets


def encrypted_columns():
    """(model, field) for every encrypted field of every installed model."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField | EncryptedJSONField):
                yield model, f


def prepend_new_key() -> str | None:
    """Add a fresh key in front of the key file. Old keys still decrypt.

    When keys come from ``KINLINK_FIELD_KEYS`` nothing is written: the new key is returned
    for the operator to put first in the variable.
    """
    import os

    from django.conf import settings

    key = crypto.new_field_key()
    if os.environ.get("KINLINK_FIELD_KEYS"):
        return key
    path = settings.KINLINK_KEY_DIR / "field.keys"
    keys = crypto.field_keys()
    path.write_text("\n".join([key, *keys]) + "\n")
    crypto.reset_cache()
    return None


def rotate_all(batch: int = 500) -> RotationReport:
    """Re-encrypt everything under the newest key (raw SQL: no model logic, no decryption
    into Python objects beyond one value at a time)."""
    report = RotationReport()
    qn = connection.ops.quote_name
    for model, f in encrypted_columns():
        table, col, pk = model._meta.db_table, f.column, model._meta.pk.column
        count = 0
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {qn(pk)}, {qn(col)} FROM {qn(table)} "  # noqa: S608
                f"WHERE {qn(col)} IS NOT NULL AND {qn(col)} <> ''"
            )
            rows = cur.fetchall()
        for start in range(0, len(rows), batch):
            with transaction.atomic(), connection.cursor() as cur:
                for pk_value, stored in rows[start : start + batch]:
                    cur.execute(
                        f"UPDATE {qn(table)} SET {qn(col)} = %s WHERE {qn(pk)} = %s",  # noqa: S608
                        [crypto.rotate(stored), pk_value],
                    )
                    count += 1
        report.columns[f"{model._meta.label}.{f.name}"] = count
    report.files = _rotate_attachments()
    report.secrets = _rotate_totp_secrets()
    return report


def _rotate_attachments() -> int:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from kinlink.cases.models import Attachment

    n = 0
    for att in Attachment.objects.system("key rotation").iterator():
        with default_storage.open(att.storage_name, "rb") as fh:
            token = fh.read()
        rotated = crypto.rotate_bytes(token)
        default_storage.delete(att.storage_name)
        default_storage.save(att.storage_name, ContentFile(rotated))
        n += 1
    return n


def _rotate_totp_secrets() -> int:
    from allauth.mfa.models import Authenticator

    n = 0
    for auth in Authenticator.objects.all():
        data = dict(auth.data)
        changed = False
        for key, value in data.items():
            if isinstance(value, str) and value.startswith(crypto.PREFIX):
                data[key] = crypto.rotate(value)
                changed = True
        if changed:
            Authenticator.objects.filter(pk=auth.pk).update(data=data)
            n += 1
    return n
