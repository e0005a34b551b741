"""Helpers of the care tests: a child of a given age and status, placements, open alerts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.cases import choices as c
from kinlink.cases import services as cs


def child_case(actor, *, dob: date, status=c.ProtectionStatus.UNACCOMPANIED, given="Амир"):
    child = cs.ChildInput(
        given_name=given,
        family_name="Сейткали",
        sex=c.Sex.MALE,
        protection_status=status,
        date_of_birth=dob,
        nationalities=["AF"],
        languages=["fa"],
    )
    return cs.child_register(actor=actor, child=child, case=cs.CaseInput(risk_level="medium"))


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


def open_kinds(case) -> set[str]:
    engine.evaluate_case(case.pk)
    return set(
        Alert.objects.system("test")
        .filter(case=case, cleared_at__isnull=True)
        .values_list("kind", flat=True)
    )


def gatekeep(actor, case, placement, **extra):
    data = dict(
        deciding_body=k.DecidingBody.COMMISSION,
        decided_on=timezone.localdate(),
        decision=k.Decision.APPROVED,
        assessment_summary="Mother in hospital; no kin reachable.",
        rationale="No family-based option available this week.",
        alternatives=[k.Alternative.KINSHIP, k.Alternative.FOSTER],
        residential_justification="Emergency medical supervision; short stay.",
    )
    data.update(extra)
    return care.gatekeeping_decide(
        actor=actor, case_id=case.pk, placement_id=placement.pk, data=care.GatekeepingInput(**data)
    )


def place(actor, case, care_type=k.CareType.FOSTER, start_on=None, **extra):
    data = care.PlacementInput(
        care_type=care_type,
        start_on=start_on or timezone.localdate(),
        reason=extra.pop("reason", k.PlacementReason.NO_CAREGIVER),
        **extra,
    )
    return care.placement_propose(actor=actor, case_id=case.pk, data=data)


def place_active(actor, case, care_type=k.CareType.FOSTER, **extra):
    p = place(actor, case, care_type, **extra)
    if p.status == k.PlacementStatus.PROPOSED:
        gatekeep(actor, case, p)
        p = care.placement_start(actor=actor, case_id=case.pk, placement_id=p.pk)
    return p


@pytest.fixture
def baby_case(world):
    """An unaccompanied child of 1 year and a half, with a guardian already appointed."""
    case = child_case(world.alice, dob=years_ago(1, 180))
    care.guardian_appoint(
        actor=world.alice,
        case_id=case.pk,
        guardian_name="G",
        authority="Court",
        appointed_on=timezone.localdate(),
    )
    return case
