"""Placements and gatekeeping: rules 33, 34, 36, 37, 38, 39 (BLOCK and ALERT), each with the
situation that triggers it, the one that does not, the boundary and the fix that clears it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.care.models import GatekeepingDecision, Placement, PlacementReview
from kinlink.cases.models import PlanAction

from .conftest import child_case, gatekeep, open_kinds, place, place_active, years_ago

R = k.CareType.RESIDENTIAL_INSTITUTION


# --------------------------------------------------------------------------- rule 33


def test_rule33_formal_placement_does_not_start_without_gatekeeping(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.FOSTER)
    assert p.status == k.PlacementStatus.PROPOSED
    with pytest.raises(ValidationError, match="rule 33"):
        care.placement_start(actor=world.alice, case_id=baby_case.pk, placement_id=p.pk)
    p.refresh_from_db()
    assert p.status == k.PlacementStatus.PROPOSED


def test_rule33_gatekeeping_needs_assessment_and_alternatives(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.FOSTER)
    before = GatekeepingDecision.objects.system("test").count()
    with pytest.raises(ValidationError) as exc:
        gatekeep(world.alice, baby_case, p, assessment_summary=" ", alternatives=[])
    assert {"assessment_summary", "alternatives"} <= set(exc.value.message_dict)
    assert GatekeepingDecision.objects.system("test").count() == before


def test_rule33_fixed_by_gatekeeping_decision(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.FOSTER)
    gatekeep(world.alice, baby_case, p)
    p = care.placement_start(actor=world.alice, case_id=baby_case.pk, placement_id=p.pk)
    assert p.status == k.PlacementStatus.ACTIVE


def test_rule33_refused_decision_never_starts(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.FOSTER)
    gatekeep(world.alice, baby_case, p, decision=k.Decision.REJECTED)
    p.refresh_from_db()
    assert p.status == k.PlacementStatus.REJECTED
    with pytest.raises(ValidationError):
        care.placement_start(actor=world.alice, case_id=baby_case.pk, placement_id=p.pk)


def test_informal_care_starts_without_gatekeeping(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.KINSHIP, formal=False)
    assert p.status == k.PlacementStatus.ACTIVE and not p.formal


def test_new_placement_ends_the_previous_one(world, baby_case):
    first = place(world.alice, baby_case, k.CareType.KINSHIP, formal=False)
    place_active(world.alice, baby_case, k.CareType.FOSTER)
    first.refresh_from_db()
    assert first.status == k.PlacementStatus.ENDED


# --------------------------------------------------------------------------- rule 34


def test_rule34_blocks_under3_residential_without_exception(world, baby_case):
    before = Placement.objects.system("test").count()
    with pytest.raises(ValidationError, match="rule 34"):
        place(world.alice, baby_case, R)
    with pytest.raises(ValidationError, match="rule 34"):  # planned stay of 183 days
        place(world.alice, baby_case, R, planned_end_on=timezone.localdate() + timedelta(days=183))
    assert Placement.objects.system("test").count() == before


@pytest.mark.parametrize(
    "extra",
    [
        {"emergency": True},
        {"planned_end_on": timezone.localdate() + timedelta(days=182)},  # the boundary
        {"siblings": k.Siblings.TOGETHER},
    ],
)
def test_rule34_allows_the_exceptions(world, baby_case, extra):
    p = place(world.alice, baby_case, R, **extra)
    assert p.status == k.PlacementStatus.PROPOSED


def test_rule34_does_not_apply_from_the_third_birthday(world):
    case = child_case(world.alice, dob=years_ago(3))  # turns 3 today
    p = place(world.alice, case, R)
    assert p.status == k.PlacementStatus.PROPOSED


def test_rule34_provider_must_take_under3(world, baby_case):
    from kinlink.care.models import CareProvider

    home = CareProvider.objects.create(
        name="Home", agency=world.kz, care_type=R, accepts_under3=False
    )
    with pytest.raises(ValidationError) as exc:
        place(world.alice, baby_case, R, emergency=True, provider_id=home.pk)
    assert "provider_id" in exc.value.message_dict


def test_rule34_alert_at_placement_cleared_by_supervisor_review(world, baby_case):
    p = place_active(world.alice, baby_case, R, emergency=True)
    assert "under3_residential" in open_kinds(baby_case)
    # a caseworker's review does not clear it: the supervisor's gatekeeping review does
    care.placement_review(
        actor=world.alice,
        case_id=baby_case.pk,
        placement_id=p.pk,
        data=care.ReviewInput(
            timezone.localdate(), "continue", "Seen", residential_justification="Medical"
        ),
    )
    assert "under3_residential" in open_kinds(baby_case)
    care.placement_review(
        actor=world.sam,
        case_id=baby_case.pk,
        placement_id=p.pk,
        data=care.ReviewInput(
            timezone.localdate(), "continue", "Reviewed", residential_justification="Medical"
        ),
    )
    assert "under3_residential" not in open_kinds(baby_case)


def test_rule34_no_alert_for_family_based_care(world, baby_case):
    place_active(world.alice, baby_case, k.CareType.FOSTER)
    assert not {"under3_residential", "under3_residential_overdue"} & open_kinds(baby_case)


def test_rule34_alert_again_past_day_182(world):
    start = timezone.localdate()
    case = child_case(world.alice, dob=years_ago(1))
    p = place_active(world.alice, case, R, emergency=True)
    care.placement_review(
        actor=world.sam,
        case_id=case.pk,
        placement_id=p.pk,
        data=care.ReviewInput(start, "continue", "ok", residential_justification="Medical"),
    )
    with time_machine.travel(start + timedelta(days=182, hours=12), tick=False):
        kinds = open_kinds(case)
        assert "under3_residential_overdue" not in kinds  # day 182: still allowed
    with time_machine.travel(start + timedelta(days=183, hours=12), tick=False):
        assert "under3_residential_overdue" in open_kinds(case)
        care.placement_end(
            actor=world.alice,
            case_id=case.pk,
            placement_id=p.pk,
            ended_on=timezone.localdate(),
            reason="Foster family found",
        )
        assert "under3_residential_overdue" not in open_kinds(case)


def test_rule34_alert_past_its_planned_end_if_earlier(world, baby_case):
    start = timezone.localdate()
    p = place_active(world.alice, baby_case, R, planned_end_on=start + timedelta(days=30))
    care.placement_review(
        actor=world.sam,
        case_id=baby_case.pk,
        placement_id=p.pk,
        data=care.ReviewInput(start, "continue", "ok", residential_justification="Short stay"),
    )
    with time_machine.travel(start + timedelta(days=30, hours=12), tick=False):
        assert "under3_residential_overdue" not in open_kinds(baby_case)
    with time_machine.travel(start + timedelta(days=31, hours=12), tick=False):
        assert "under3_residential_overdue" in open_kinds(baby_case)


def test_rule34_child_turning_3_during_the_placement_clears_it(world):
    start = timezone.localdate()
    case = child_case(world.alice, dob=years_ago(2, 360))  # 3 in 5 or 6 days
    place_active(world.alice, case, R, emergency=True)
    assert "under3_residential" in open_kinds(case)
    with time_machine.travel(start + timedelta(days=10, hours=12), tick=False):
        assert "under3_residential" not in open_kinds(case)


# --------------------------------------------------------------------------- rule 36


def test_rule36_residential_needs_justification(world):
    case = child_case(world.alice, dob=years_ago(12))
    p = place(world.alice, case, k.CareType.RESIDENTIAL_SMALL)
    with pytest.raises(ValidationError) as exc:
        gatekeep(world.alice, case, p, residential_justification="")
    assert "residential_justification" in exc.value.message_dict
    gatekeep(world.alice, case, p)  # the fix
    p = care.placement_start(actor=world.alice, case_id=case.pk, placement_id=p.pk)
    before = PlacementReview.objects.system("test").count()
    with pytest.raises(ValidationError) as exc:  # periodic re-justification
        care.placement_review(
            actor=world.alice,
            case_id=case.pk,
            placement_id=p.pk,
            data=care.ReviewInput(timezone.localdate(), "continue", "ok"),
        )
    assert "residential_justification" in exc.value.message_dict
    assert PlacementReview.objects.system("test").count() == before


def test_rule36_not_for_family_based_care(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.FOSTER)
    gatekeep(world.alice, baby_case, p, residential_justification="")


# --------------------------------------------------------------------------- rule 37


def test_rule37_siblings_apart_alert_and_fix(world, baby_case):
    p = place_active(world.alice, baby_case, k.CareType.FOSTER, siblings=k.Siblings.APART)
    assert "siblings_apart" in open_kinds(baby_case)
    care.placement_review(
        actor=world.alice,
        case_id=baby_case.pk,
        placement_id=p.pk,
        data=care.ReviewInput(
            timezone.localdate(),
            "continue",
            "ok",
            siblings_apart_reason="The brother is 17 and in supervised living",
        ),
    )
    assert "siblings_apart" not in open_kinds(baby_case)


def test_rule37_no_alert_together_or_with_reason(world, baby_case):
    place_active(
        world.alice,
        baby_case,
        k.CareType.FOSTER,
        siblings=k.Siblings.APART,
        siblings_apart_reason="Different needs",
    )
    assert "siblings_apart" not in open_kinds(baby_case)


# --------------------------------------------------------------------------- rules 38, 39


def test_rule38_detention_is_critical_and_creates_the_release_action(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.DETENTION, place="Closed centre")
    assert p.status == k.PlacementStatus.ACTIVE and not p.formal
    assert "detention" in open_kinds(baby_case)
    actions = PlanAction.objects.system("test").filter(goal__plan__case=baby_case)
    assert [a.description for a in actions] == ["Secure release to non-custodial care"]
    from kinlink.care.selectors import detention_count

    assert detention_count(country="KZ") == 1 and detention_count(country="UZ") == 0
    # the fix: a non-custodial placement ends the detention
    place_active(world.alice, baby_case, k.CareType.FOSTER)
    assert "detention" not in open_kinds(baby_case)
    assert detention_count(country="KZ") == 0


def test_rule39_detention_to_keep_family_together_is_refused(world, baby_case):
    with pytest.raises(ValidationError, match="rule 39"):
        place(world.alice, baby_case, k.CareType.DETENTION, reason=k.PlacementReason.FAMILY_UNITY)


def test_rule39_detention_cannot_be_approved_as_care(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.DETENTION)
    with pytest.raises(ValidationError, match="rule 39"):
        gatekeep(world.alice, baby_case, p)


# --------------------------------------------------------------------------- scope


def test_outsiders_cannot_place(world, baby_case):
    with pytest.raises(PermissionDenied):
        place(world.umid, baby_case)
    with pytest.raises(PermissionDenied):
        place(world.bob, baby_case)
    with pytest.raises(PermissionDenied):  # a manager reads but does not change cases
        place(world.max, baby_case)
