"""Sensitive fields are ciphertext at rest; keys rotate without losing anything."""

import pytest
from django.core.management import call_command
from django.db import connection

from kinlink.cases import services as cs
from kinlink.cases.models import Case, Document, FamilyMember
from kinlink.core import crypto

from ..conftest import register


def _raw(table, column, pk):
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cur.fetchone()[0]


@pytest.fixture
def sensitive_case(world):
    case = register(world.alice, health_notes="Asthma; needs inhaler")
    Case.objects.system("test").filter(pk=case.pk)
    cs.family_member_add(
        actor=world.alice,
        case_id=case.pk,
        data=cs.FamilyInput(
            relationship="mother",
            given_name="Зарина",
            phone="+992 900 000 001",
            address="Dushanbe, street 1",
        ),
    )
    cs.document_add(
        actor=world.alice,
        case_id=case.pk,
        data=cs.DocumentInput(kind="passport", number="TJ1234567"),
    )
    case = Case.objects.system("test").get(pk=case.pk)
    case.protection_concerns = "Trafficking risk"
    case.save()
    return case


def test_sensitive_columns_hold_ciphertext(sensitive_case):
    case = sensitive_case
    raw = _raw("cases_case", "protection_concerns", case.pk)
    assert raw.startswith("kl1:") and "Trafficking" not in raw
    raw_health = _raw("cases_child", "health_notes", case.child_id)
    assert raw_health.startswith("kl1:") and "Asthma" not in raw_health
    fm = FamilyMember.objects.system("test").get(child=case.child)
    raw_phone = _raw("cases_familymember", "phone", fm.pk)
    assert raw_phone.startswith("kl1:") and "900" not in raw_phone
    doc = Document.objects.system("test").get(child=case.child)
    assert "TJ1234567" not in _raw("cases_document", "number", doc.pk)
    # the model still reads plaintext
    assert Case.objects.system("test").get(pk=case.pk).protection_concerns == "Trafficking risk"
    assert doc.number == "TJ1234567"


def test_blind_index_finds_document_by_number_without_decrypting(sensitive_case):
    digest = crypto.blind_index(" tj 1234567 ", purpose="document")
    assert Document.objects.system("test").filter(number_index=digest).count() == 1
    assert crypto.blind_index("TJ1234567", purpose="other") != digest


def test_key_rotation_reencrypts_and_old_key_can_be_dropped(sensitive_case, settings, capsys):
    case = sensitive_case
    before = _raw("cases_case", "protection_concerns", case.pk)
    old_keys = crypto.field_keys()
    call_command("kinlink_keys", "new")
    keys = crypto.field_keys()
    assert len(keys) == len(old_keys) + 1 and keys[1:] == old_keys
    call_command("kinlink_keys", "rotate")
    out = capsys.readouterr().out
    assert "re-encrypted" in out
    after = _raw("cases_case", "protection_concerns", case.pk)
    assert after != before and after.startswith("kl1:")
    # drop the old keys: everything still decrypts with the new one alone
    (settings.KINLINK_KEY_DIR / "field.keys").write_text(keys[0] + "\n")
    crypto.reset_cache()
    try:
        assert Case.objects.system("test").get(pk=case.pk).protection_concerns == (
            "Trafficking risk"
        )
        fm = FamilyMember.objects.system("test").get(child=case.child)
        assert fm.phone == "+992 900 000 001"
    finally:
        (settings.KINLINK_KEY_DIR / "field.keys").write_text("\n".join(keys) + "\n")
        crypto.reset_cache()


def test_wrong_key_cannot_decrypt(sensitive_case, settings):
    keys = crypto.field_keys()
    (settings.KINLINK_KEY_DIR / "field.keys").write_text(crypto.new_field_key() + "\n")
    crypto.reset_cache()
    try:
        with pytest.raises(crypto.KeyError_):
            Case.objects.system("test").get(pk=sensitive_case.pk)
    finally:
        (settings.KINLINK_KEY_DIR / "field.keys").write_text("\n".join(keys) + "\n")
        crypto.reset_cache()
