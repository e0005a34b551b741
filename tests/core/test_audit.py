"""The audit trail is append-only and tamper-evident; the verify command proves it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kinlink.core import audit
from kinlink.core.models import AuditEvent

from ..conftest import register


def _disable_guard():
    """What an attacker with database rights would do before editing the trail."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_change")
        else:
            cur.execute("DROP TRIGGER core_auditevent_no_update")
            cur.execute("DROP TRIGGER core_auditevent_no_delete")


def test_chain_links_each_entry_to_the_previous(world):
    register(world.alice)
    register(world.bob, given="Олександр")
    events = list(AuditEvent.objects.order_by("seq"))
    assert len(events) >= 2
    assert events[0].prev_hash == AuditEvent.GENESIS
    for prev, cur in zip(events, events[1:], strict=False):
        assert cur.prev_hash == prev.entry_hash
        assert cur.seq == prev.seq + 1
    assert audit.verify_chain().ok


def test_verify_command_passes_then_fails_when_one_entry_is_edited(world, capsys):
    register(world.alice)
    register(world.alice, given="Юлія")
    call_command("kinlink_audit", "verify")
    assert "audit chain OK" in capsys.readouterr().out
    victim = AuditEvent.objects.order_by("seq")[1]
    _disable_guard()
    AuditEvent.objects.filter(seq=victim.seq).update(actor_name="somebody-else")
    with pytest.raises(CommandError, match=f"BROKEN at entry {victim.seq}"):
        call_command("kinlink_audit", "verify")


def test_deleting_an_entry_or_the_last_entry_is_detected(world):
    register(world.alice)
    register(world.alice, given="Юлія")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    _disable_guard()
    AuditEvent.objects.filter(seq=seqs[-1]).delete()
    result = audit.verify_chain()
    assert not result.ok and "removed" in result.reason
    AuditEvent.objects.filter(seq=seqs[0]).delete()
    assert not audit.verify_chain().ok


def test_database_refuses_update_and_delete(world):
    register(world.alice)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().update(actor_name="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_entry_records_who_what_when_and_where(world, client):
    case = register(world.alice)
    event = AuditEvent.objects.filter(case_id=case.pk, action="create").get()
    assert event.actor_id == world.alice.pk and event.actor_name == "alice"
    assert event.object_type == "cases.case" and event.object_id == str(case.pk)
    assert event.at is not None


def test_failed_login_is_audited(world, client):
    client.post("/accounts/login/", {"login": "alice", "password": "wrong-password-1"})
    event = AuditEvent.objects.filter(action="login_failed").last()
    assert event is not None and event.detail["username"] == "alice"
    assert event.ip == "127.0.0.1"
