"""Rule 35 (placement reviews every SOP period) and rule 40 (guardian for a UASC), with time
travel for the deadlines."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from kinlink.alerts.models import Alert
from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.cases import choices as c
from kinlink.core.models import SopProfile

from .conftest import child_case, open_kinds, place, place_active, years_ago


def test_rule35_review_overdue_after_the_sop_period(world, baby_case):
    start = timezone.localdate()
    p = place_active(world.alice, baby_case, k.CareType.FOSTER)
    with time_machine.travel(start + timedelta(days=90, hours=12), tick=False):
        assert "placement_review_overdue" not in open_kinds(baby_case)  # boundary: day 90
    with time_machine.travel(start + timedelta(days=91, hours=12), tick=False):
        assert "placement_review_overdue" in open_kinds(baby_case)
        care.placement_review(
            actor=world.alice,
            case_id=baby_case.pk,
            placement_id=p.pk,
            data=care.ReviewInput(timezone.localdate(), "continue", "Fine"),
        )
        assert "placement_review_overdue" not in open_kinds(baby_case)  # the fix
    with time_machine.travel(start + timedelta(days=182, hours=12), tick=False):
        assert "placement_review_overdue" in open_kinds(baby_case)  # and again


def test_rule35_threshold_comes_from_the_sop_profile(world, baby_case):
    sop = SopProfile.current()
    sop.placement_review_days = 30
    sop.save()
    start = timezone.localdate()
    place_active(world.alice, baby_case, k.CareType.FOSTER)
    with time_machine.travel(start + timedelta(days=31, hours=12), tick=False):
        assert "placement_review_overdue" in open_kinds(baby_case)


def test_rule35_informal_care_is_not_reviewed(world, baby_case):
    start = timezone.localdate()
    place(world.alice, baby_case, k.CareType.KINSHIP, formal=False)
    with time_machine.travel(start + timedelta(days=200), tick=False):
        assert "placement_review_overdue" not in open_kinds(baby_case)


def test_rule40_uasc_without_guardian_alerted_from_registration(world):
    case = child_case(world.alice, dob=years_ago(14))
    assert "guardian_missing" in open_kinds(case)
    alert = Alert.objects.system("test").get(case=case, kind="guardian_missing", cleared_at=None)
    assert alert.severity == "warning" and alert.rule == 40
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        open_kinds(case)
        alert.refresh_from_db()
        assert alert.severity == "high"  # past the SOP deadline for the appointment
        care.guardian_appoint(
            actor=world.alice,
            case_id=case.pk,
            guardian_name="Ms Guardian",
            authority="Guardianship authority, Almaty",
            appointed_on=timezone.localdate(),
        )
        assert "guardian_missing" not in open_kinds(case)
        alert.refresh_from_db()
        assert alert.cleared_at is not None


def test_rule40_accompanied_child_needs_no_guardian(world):
    case = child_case(world.alice, dob=years_ago(14), status=c.ProtectionStatus.ACCOMPANIED)
    assert "guardian_missing" not in open_kinds(case)


def test_rule40_on_registration_through_the_case_hook(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = child_case(world.alice, dob=years_ago(14))
    assert Alert.objects.system("test").filter(case=case, kind="guardian_missing").exists()


def test_guardian_validation_changes_nothing(world):
    import pytest
    from django.core.exceptions import ValidationError

    from kinlink.care.models import Guardianship

    case = child_case(world.alice, dob=years_ago(14))
    with pytest.raises(ValidationError) as exc:
        care.guardian_appoint(
            actor=world.alice,
            case_id=case.pk,
            guardian_name="",
            authority="",
            appointed_on=timezone.localdate() + timedelta(1),
        )
    assert set(exc.value.message_dict) == {"guardian_name", "authority", "appointed_on"}
    assert Guardianship.objects.system("test").count() == 0
