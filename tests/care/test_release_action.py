"""Rule 39: detention never satisfies a care-plan goal — the action "secure release to
non-custodial care" (created by rule 38) cannot be marked done while the child is still
recorded in immigration detention (kinlink.cases.hooks.action_completion_checks)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.cases import services as cs
from kinlink.cases.models import PlanAction

from .conftest import place, place_active


def _release(case):
    [action] = PlanAction.objects.system("t").filter(goal__plan__case=case)
    assert action.description == "Secure release to non-custodial care"
    return action


def test_done_is_refused_while_detained_and_nothing_changes(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.DETENTION, place="Closed centre")
    action = _release(baby_case)
    assert p.release_action_id == action.pk
    with pytest.raises(ValidationError, match="rule 39"):
        cs.plan_action_set_status(
            actor=world.alice, case_id=baby_case.pk, action_id=action.pk, status="done"
        )
    action.refresh_from_db()
    assert action.status == "planned"
    # working on it is not refused
    cs.plan_action_set_status(
        actor=world.alice, case_id=baby_case.pk, action_id=action.pk, status="in_progress"
    )
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_done_is_accepted_once_the_detention_has_ended(world, baby_case):
    place(world.alice, baby_case, k.CareType.DETENTION)
    action = _release(baby_case)
    place_active(world.alice, baby_case, k.CareType.FOSTER)  # ends the detention
    cs.plan_action_set_status(
        actor=world.alice, case_id=baby_case.pk, action_id=action.pk, status="done"
    )
    action.refresh_from_db()
    assert action.status == "done"


def test_ending_the_detention_directly_also_allows_it(world, baby_case):
    p = place(world.alice, baby_case, k.CareType.DETENTION)
    care.placement_end(
        actor=world.alice,
        case_id=baby_case.pk,
        placement_id=p.pk,
        ended_on=timezone.localdate(),
        reason="Released to the guardian",
    )
    action = _release(baby_case)
    cs.plan_action_set_status(
        actor=world.alice, case_id=baby_case.pk, action_id=action.pk, status="done"
    )
    assert PlanAction.objects.system("t").get(pk=action.pk).status == "done"


def test_other_actions_of_a_detained_child_are_not_blocked(world, baby_case):
    place(world.alice, baby_case, k.CareType.DETENTION)
    release = _release(baby_case)
    other = PlanAction.objects.create(
        goal=release.goal, description="Visit the child", responsible="Alice"
    )
    cs.plan_action_set_status(
        actor=world.alice, case_id=baby_case.pk, action_id=other.pk, status="done"
    )
    assert PlanAction.objects.system("t").get(pk=other.pk).status == "done"


def test_a_release_action_written_in_another_language_is_recognised(world, baby_case):
    with translation.override("ru"):
        p = place(world.alice, baby_case, k.CareType.DETENTION)
    action = PlanAction.objects.system("t").get(pk=p.release_action_id)
    assert action.description != "Secure release to non-custodial care"
    # an older record without the link is still recognised by its description
    type(p).objects.system("t").filter(pk=p.pk).update(release_action=None)
    with pytest.raises(ValidationError, match="rule 39"):
        cs.plan_action_set_status(
            actor=world.alice, case_id=baby_case.pk, action_id=action.pk, status="done"
        )
