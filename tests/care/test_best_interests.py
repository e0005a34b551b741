"""Best-interests procedures and durable solutions: rules 27–32."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from kinlink.care import bip
from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.care.models import DurableSolution
from kinlink.cases import choices as c

from .conftest import child_case, open_kinds, place, years_ago


def _bia(actor, case):
    p = bip.bip_start(
        actor=actor,
        case_id=case.pk,
        kind=k.BipKind.BIA_COMPREHENSIVE,
        trigger=k.BipTrigger.DURABLE_SOLUTION,
    )
    return bip.bia_complete(
        actor=actor,
        case_id=case.pk,
        process_id=p.pk,
        child_views="Wants to join his aunt",
        findings="Aunt traced",
        recommendation="Reunification in a third country",
    )


def _decision(**extra):
    data = dict(
        child_views="Agrees",
        decision="Resettlement with the aunt",
        reasons="Safety and family",
        review_on=timezone.localdate() + timedelta(90),
    )
    data.update(extra)
    return bip.BidDecision(**data)


def _bid(world, case, members=None, trigger=k.BipTrigger.DURABLE_SOLUTION, **extra):
    b = bip.bip_start(actor=world.sam, case_id=case.pk, kind=k.BipKind.BID, trigger=trigger)
    for user in members if members is not None else (world.sam, world.bob, world.oscar):
        bip.bid_panel_add(
            actor=world.sam,
            case_id=case.pk,
            process_id=b.pk,
            user_id=user.pk if hasattr(user, "pk") else None,
            name="" if hasattr(user, "pk") else user,
            confidentiality_signed=True,
        )
    return bip.bid_decide(
        actor=world.sam, case_id=case.pk, process_id=b.pk, data=_decision(**extra)
    )


@pytest.fixture
def uasc(world):
    return child_case(world.alice, dob=years_ago(15))


# --------------------------------------------------------------------------- rule 31


def test_rule31_panel_of_three_with_undertakings(world, uasc):
    _bia(world.alice, uasc)
    b = bip.bip_start(
        actor=world.sam, case_id=uasc.pk, kind=k.BipKind.BID, trigger=k.BipTrigger.DURABLE_SOLUTION
    )
    bip.bid_panel_add(
        actor=world.sam,
        case_id=uasc.pk,
        process_id=b.pk,
        user_id=world.sam.pk,
        name="",
        confidentiality_signed=True,
    )
    bip.bid_panel_add(
        actor=world.sam,
        case_id=uasc.pk,
        process_id=b.pk,
        name="UNHCR officer",
        confidentiality_signed=True,
    )
    with pytest.raises(ValidationError, match="at least 3"):
        bip.bid_decide(actor=world.sam, case_id=uasc.pk, process_id=b.pk, data=_decision())
    bip.bid_panel_add(
        actor=world.sam,
        case_id=uasc.pk,
        process_id=b.pk,
        name="Doctor",
        confidentiality_signed=False,
    )
    with pytest.raises(ValidationError, match="confidentiality"):
        bip.bid_decide(actor=world.sam, case_id=uasc.pk, process_id=b.pk, data=_decision())
    b.refresh_from_db()
    assert b.status == k.BipStatus.OPEN


def test_rule31_bia_author_may_not_sit_on_the_panel(world, uasc):
    _bia(world.alice, uasc)
    b = bip.bip_start(
        actor=world.sam, case_id=uasc.pk, kind=k.BipKind.BID, trigger=k.BipTrigger.DURABLE_SOLUTION
    )
    with pytest.raises(ValidationError) as exc:
        bip.bid_panel_add(
            actor=world.sam,
            case_id=uasc.pk,
            process_id=b.pk,
            user_id=world.alice.pk,
            name="",
            confidentiality_signed=True,
        )
    assert "user_id" in exc.value.message_dict
    assert b.panel.count() == 0


def test_rule31_child_views_required(world, uasc):
    with pytest.raises(ValidationError) as exc:
        _bid(world, uasc, child_views="")
    assert "child_views" in exc.value.message_dict


def test_rule31_valid_panel_decides(world, uasc):
    _bia(world.alice, uasc)
    b = _bid(world, uasc)
    assert b.status == k.BipStatus.COMPLETED and b.panel.count() == 3


# --------------------------------------------------------------------------- rule 32


def test_rule32_bid_needs_review_date_and_alerts_when_due(world, uasc):
    with pytest.raises(ValidationError) as exc:
        _bid(world, uasc, review_on=None)
    assert "review_on" in exc.value.message_dict
    b = _bid(world, uasc, review_on=timezone.localdate() + timedelta(days=10))
    assert "bid_review_due" not in open_kinds(uasc)
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        assert "bid_review_due" not in open_kinds(uasc)  # on the review date itself
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        assert "bid_review_due" in open_kinds(uasc)
        bip.bip_start(
            actor=world.sam,
            case_id=uasc.pk,
            kind=k.BipKind.BID_REVIEW,
            trigger=k.BipTrigger.DURABLE_SOLUTION,
            reviews_id=b.pk,
        )
        assert "bid_review_due" not in open_kinds(uasc)


def test_rule32_bid_review_refers_to_a_completed_bid(world, uasc):
    with pytest.raises(ValidationError):
        bip.bip_start(
            actor=world.sam, case_id=uasc.pk, kind=k.BipKind.BID_REVIEW, trigger=k.BipTrigger.OTHER
        )


# --------------------------------------------------------------------------- rule 28


def test_rule28_durable_solution_needs_a_bid(world, uasc):
    s = bip.solution_propose(
        actor=world.alice, case_id=uasc.pk, data=bip.SolutionInput(kind=k.SolutionKind.RESETTLEMENT)
    )
    with pytest.raises(ValidationError, match="rule 28"):
        bip.solution_implement(
            actor=world.alice,
            case_id=uasc.pk,
            solution_id=s.pk,
            implemented_on=timezone.localdate(),
        )
    with pytest.raises(ValidationError, match="supervisor"):  # an exception: supervisors only
        bip.solution_implement(
            actor=world.alice,
            case_id=uasc.pk,
            solution_id=s.pk,
            implemented_on=timezone.localdate(),
            exception_reason="Urgent",
        )
    s.refresh_from_db()
    assert s.status == k.SolutionStatus.PROPOSED
    _bid(world, uasc)  # the fix
    s = bip.solution_implement(
        actor=world.alice, case_id=uasc.pk, solution_id=s.pk, implemented_on=timezone.localdate()
    )
    assert s.status == k.SolutionStatus.IMPLEMENTED and s.bid is not None


def test_rule28_documented_exception_by_a_supervisor(world, uasc):
    s = bip.solution_propose(
        actor=world.alice, case_id=uasc.pk, data=bip.SolutionInput(kind=k.SolutionKind.RESETTLEMENT)
    )
    s = bip.solution_implement(
        actor=world.sam,
        case_id=uasc.pk,
        solution_id=s.pk,
        implemented_on=timezone.localdate(),
        exception_reason="Emergency evacuation with UNHCR",
    )
    assert s.exception_approved_by == world.sam


def test_rule28_not_for_accompanied_child_or_in_country_reunification(world, uasc):
    s = bip.solution_propose(
        actor=world.alice,
        case_id=uasc.pk,
        data=bip.SolutionInput(kind=k.SolutionKind.REUNIFICATION_IN_COUNTRY),
    )
    bip.solution_implement(
        actor=world.alice, case_id=uasc.pk, solution_id=s.pk, implemented_on=timezone.localdate()
    )
    other = child_case(world.alice, dob=years_ago(10), status=c.ProtectionStatus.ACCOMPANIED)
    s = bip.solution_propose(
        actor=world.alice,
        case_id=other.pk,
        data=bip.SolutionInput(kind=k.SolutionKind.LOCAL_INTEGRATION),
    )
    bip.solution_implement(
        actor=world.alice, case_id=other.pk, solution_id=s.pk, implemented_on=timezone.localdate()
    )


# --------------------------------------------------------------------------- rule 29


def test_rule29_separation_against_parents_will_needs_bid_or_court(world):
    case = child_case(world.alice, dob=years_ago(8), status=c.ProtectionStatus.ACCOMPANIED)
    p = place(
        world.alice, case, k.CareType.FOSTER, reason=k.PlacementReason.SEPARATION_AGAINST_WILL
    )
    from .conftest import gatekeep

    gatekeep(world.alice, case, p)
    with pytest.raises(ValidationError, match="rule 29"):
        care.placement_start(actor=world.alice, case_id=case.pk, placement_id=p.pk)
    _bid(world, case, trigger=k.BipTrigger.SEPARATION)
    care.placement_start(actor=world.alice, case_id=case.pk, placement_id=p.pk)


def test_rule29_court_decision_is_enough(world):
    case = child_case(world.alice, dob=years_ago(8), status=c.ProtectionStatus.ACCOMPANIED)
    p = place(
        world.alice,
        case,
        k.CareType.FOSTER,
        court_decision="Court 2-123/2025",
        reason=k.PlacementReason.SEPARATION_AGAINST_WILL,
    )
    from .conftest import gatekeep

    gatekeep(world.alice, case, p)
    care.placement_start(actor=world.alice, case_id=case.pk, placement_id=p.pk)


# --------------------------------------------------------------------------- rule 30


def test_rule30_resettlement_with_one_parent_needs_bia(world, uasc):
    before = DurableSolution.objects.system("test").count()
    one_parent = bip.SolutionInput(kind=k.SolutionKind.RESETTLEMENT, with_one_parent=True)
    with pytest.raises(ValidationError, match="rule 30"):
        bip.solution_propose(actor=world.alice, case_id=uasc.pk, data=one_parent)
    assert DurableSolution.objects.system("test").count() == before
    for exempt in ("sole_custody", "other_parent_dead", "other_parent_consent"):
        bip.solution_propose(
            actor=world.alice,
            case_id=uasc.pk,
            data=bip.SolutionInput(
                kind=k.SolutionKind.RESETTLEMENT, with_one_parent=True, **{exempt: True}
            ),
        )
    _bia(world.alice, uasc)  # the fix
    bip.solution_propose(actor=world.alice, case_id=uasc.pk, data=one_parent)


# --------------------------------------------------------------------------- rule 27


def test_rule27_no_adoption_during_tracing_period(world, uasc):
    adoption = bip.SolutionInput(kind=k.SolutionKind.ADOPTION)
    with pytest.raises(ValidationError, match="rule 27"):
        bip.solution_propose(actor=world.alice, case_id=uasc.pk, data=adoption)
    _bid(world, uasc, tracing_exhausted=False)
    with pytest.raises(ValidationError, match="rule 27"):  # a BID without the finding
        bip.solution_propose(actor=world.alice, case_id=uasc.pk, data=adoption)
    _bid(world, uasc, tracing_exhausted=True)  # the fix
    bip.solution_propose(actor=world.alice, case_id=uasc.pk, data=adoption)


def test_rule27_after_the_tracing_period_and_without_open_tracing(world, uasc):
    with time_machine.travel(timezone.now() + timedelta(days=731), tick=False):
        bip.solution_propose(
            actor=world.alice, case_id=uasc.pk, data=bip.SolutionInput(kind=k.SolutionKind.ADOPTION)
        )


def test_rule27_open_tracing_blocks_even_after_the_period(world, uasc):
    from kinlink.tracing.services import case_tracing_open

    case_tracing_open(uasc.pk)
    later = timezone.now() + timedelta(days=731)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError, match="rule 27"):
        bip.solution_propose(
            actor=world.alice,
            case_id=uasc.pk,
            data=bip.SolutionInput(kind=k.SolutionKind.ADOPTION),
        )


# --------------------------------------------------------------------------- rule 44

RETURN = dict(
    return_country="tj",
    pre_return_assessment="Home visit by the Dushanbe child protection office: mother able",
    receiving_agency="Child protection department, Dushanbe",
    followup_plan="Visits at 1, 3 and 6 months; school enrolment",
)


def test_rule44_return_needs_assessment_bid_or_bia_agency_and_plan(world, uasc):
    s = bip.solution_propose(
        actor=world.alice, case_id=uasc.pk, data=bip.SolutionInput(kind=k.SolutionKind.REPATRIATION)
    )
    _bid(world, uasc)  # rule 28 is met: what is missing is rule 44's
    with pytest.raises(ValidationError) as exc:
        bip.solution_implement(
            actor=world.alice, case_id=uasc.pk, solution_id=s.pk,
            implemented_on=timezone.localdate(),
        )
    assert {"return_country", "pre_return_assessment", "receiving_agency", "followup_plan"} <= set(
        exc.value.message_dict
    )
    s.refresh_from_db()
    assert s.status == k.SolutionStatus.PROPOSED and s.receiving_agency == ""  # nothing changed
    s = bip.solution_implement(
        actor=world.alice, case_id=uasc.pk, solution_id=s.pk,
        implemented_on=timezone.localdate(), **RETURN,
    )
    assert s.status == k.SolutionStatus.IMPLEMENTED and s.return_country == "TJ"
    assert DurableSolution.objects.system("t").get(pk=s.pk).followup_plan.startswith("Visits")


def test_rule44_a_bia_is_enough_without_a_bid_for_an_accompanied_child(world):
    child = child_case(world.alice, dob=years_ago(9), status=c.ProtectionStatus.ACCOMPANIED)
    s = bip.solution_propose(
        actor=world.alice,
        case_id=child.pk,
        data=bip.SolutionInput(kind=k.SolutionKind.REPATRIATION, **RETURN),
    )
    with pytest.raises(ValidationError, match="rule 44"):  # no BID, no BIA
        bip.solution_implement(
            actor=world.alice, case_id=child.pk, solution_id=s.pk,
            implemented_on=timezone.localdate(),
        )
    _bia(world.alice, child)
    s = bip.solution_implement(
        actor=world.alice, case_id=child.pk, solution_id=s.pk, implemented_on=timezone.localdate()
    )
    assert s.status == k.SolutionStatus.IMPLEMENTED


def test_rule44_bad_country_code_and_other_solutions_unaffected(world, uasc):
    with pytest.raises(ValidationError) as exc:
        bip.solution_propose(
            actor=world.alice,
            case_id=uasc.pk,
            data=bip.SolutionInput(kind=k.SolutionKind.REPATRIATION, return_country="Tajikistan"),
        )
    assert "return_country" in exc.value.message_dict
    assert not DurableSolution.objects.system("t").filter(case=uasc).exists()
    with pytest.raises(ValidationError):
        bip.solution_implement(
            actor=world.alice, case_id=uasc.pk, solution_id=uasc.pk,
            implemented_on=timezone.localdate(), surprise="x",
        )
