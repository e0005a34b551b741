"""The case workflow end to end, and each refusal on the way."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinlink.cases import choices as c
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Assessment, Case
from kinlink.core.models import AuditEvent

from ..conftest import register


def _approval_for(case, subject):
    return Approval.objects.system("test").get(
        case=case, subject=subject, state=c.ApprovalState.PENDING
    )


def _complete_assessment(world, case, kind, risk=c.RiskLevel.HIGH):
    a = Assessment.objects.system("test").get(case=case, kind=kind)
    cs.assessment_save(
        actor=world.alice,
        case_id=case.pk,
        assessment_id=a.pk,
        findings={"safety": "Sleeping at the station"},
        child_views="Wants mother",
        proposed_risk_level=risk,
    )
    cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=a.pk)
    cs.approval_decide(
        actor=world.sam, approval_id=_approval_for(case, "assessment").pk, approve=True
    )
    return a


def test_registration_opens_case_with_initial_assessment_due_by_risk(world):
    case = register(world.alice, risk=c.RiskLevel.HIGH)
    assert case.number.startswith("KZ-ALM-")
    assert case.owner == world.alice and case.office == world.almaty
    initial = Assessment.objects.system("test").get(case=case, kind="initial")
    assert initial.due_at == case.identified_at + timedelta(hours=24)
    low = register(world.alice, given="Ivan", risk=c.RiskLevel.LOW)
    low_initial = Assessment.objects.system("test").get(case=low, kind="initial")
    assert low_initial.due_at == low.identified_at + timedelta(hours=72)
    assert case.next_due_at == initial.due_at


def test_full_workflow_to_closure_and_reopen(world):
    case = register(world.alice)
    _complete_assessment(world, case, "initial")
    case.refresh_from_db()
    assert case.stage == c.Stage.ASSESSMENT
    comp = Assessment.objects.system("test").get(case=case, kind="comprehensive")
    assert comp.due_at is not None
    _complete_assessment(world, case, "comprehensive", risk=c.RiskLevel.MEDIUM)
    case.refresh_from_db()
    assert case.stage == c.Stage.CASE_PLAN and case.risk_level == c.RiskLevel.MEDIUM

    plan = cs.case_plan_create(
        actor=world.alice,
        case_id=case.pk,
        goals=[
            cs.GoalInput(
                "Safe family-based care", "family", [("Find kinship carer", "Alice", date.today())]
            )
        ],
    )
    cs.case_plan_submit(actor=world.alice, case_id=case.pk, plan_id=plan.pk)
    cs.approval_decide(
        actor=world.sam, approval_id=_approval_for(case, "case_plan").pk, approve=True
    )
    plan.refresh_from_db()
    case.refresh_from_db()
    assert plan.state == c.ApprovalState.APPROVED
    assert case.stage == c.Stage.IMPLEMENTATION
    # medium risk: review in 90 days
    assert (plan.review_due_at - plan.approved_at).days == 90

    cs.followup_record(
        actor=world.alice,
        case_id=case.pk,
        done_on=date.today(),
        child_seen=True,
        notes="Doing well",
    )
    case.refresh_from_db()
    assert case.stage == c.Stage.FOLLOW_UP
    nxt = case.followups.filter(done_on__isnull=True).get()
    assert nxt.due_on == date.today() + timedelta(days=14)

    cs.case_request_closure(actor=world.alice, case_id=case.pk, reason="goals_met", note="")
    case.refresh_from_db()
    assert case.stage == c.Stage.CLOSURE_PENDING and case.status == c.CaseStatus.OPEN
    cs.approval_decide(actor=world.sam, approval_id=_approval_for(case, "closure").pk, approve=True)
    case.refresh_from_db()
    assert case.status == c.CaseStatus.CLOSED and case.closed_at is not None
    assert case.next_due_at is None

    with pytest.raises(ValidationError):
        cs.case_reopen(actor=world.sam, case_id=case.pk, reason="  ")
    cs.case_reopen(actor=world.sam, case_id=case.pk, reason="Child left the kinship carer")
    case.refresh_from_db()
    assert case.status == c.CaseStatus.OPEN and case.stage == c.Stage.FOLLOW_UP


def test_supervisor_cannot_approve_own_submission_and_rejection_needs_comment(world):
    case = register(world.sam)
    a = Assessment.objects.system("test").get(case=case, kind="initial")
    cs.assessment_save(
        actor=world.sam,
        case_id=case.pk,
        assessment_id=a.pk,
        findings={"safety": "ok"},
        child_views="",
        proposed_risk_level="low",
    )
    cs.assessment_submit(actor=world.sam, case_id=case.pk, assessment_id=a.pk)
    ap = _approval_for(case, "assessment")
    with pytest.raises(ValidationError):
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    with pytest.raises(PermissionDenied):  # another office's supervisor
        cs.approval_decide(actor=world.oscar, approval_id=ap.pk, approve=True)
    with pytest.raises(PermissionDenied):  # caseworkers do not approve
        cs.approval_decide(actor=world.bob, approval_id=ap.pk, approve=True)


def test_rejected_assessment_goes_back_to_caseworker(world):
    case = register(world.alice)
    a = Assessment.objects.system("test").get(case=case, kind="initial")
    cs.assessment_save(
        actor=world.alice,
        case_id=case.pk,
        assessment_id=a.pk,
        findings={"health": "x"},
        child_views="",
        proposed_risk_level="low",
    )
    cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=a.pk)
    with pytest.raises(ValidationError):  # pending: cannot be edited
        cs.assessment_save(
            actor=world.alice,
            case_id=case.pk,
            assessment_id=a.pk,
            findings={},
            child_views="",
            proposed_risk_level="low",
        )
    with pytest.raises(ValidationError):
        cs.approval_decide(
            actor=world.sam,
            approval_id=_approval_for(case, "assessment").pk,
            approve=False,
            comment="",
        )
    cs.approval_decide(
        actor=world.sam,
        approval_id=_approval_for(case, "assessment").pk,
        approve=False,
        comment="Add the family situation",
    )
    a.refresh_from_db()
    assert a.state == c.ApprovalState.REJECTED
    cs.assessment_save(
        actor=world.alice,
        case_id=case.pk,
        assessment_id=a.pk,
        findings={"family": "Mother in Russia"},
        child_views="",
        proposed_risk_level="medium",
    )
    cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=a.pk)
    a.refresh_from_db()
    assert a.state == c.ApprovalState.PENDING


def test_submit_without_findings_refused_and_nothing_changes(world):
    case = register(world.alice)
    a = Assessment.objects.system("test").get(case=case, kind="initial")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=a.pk)
    assert "findings" in exc.value.message_dict
    a.refresh_from_db()
    assert a.state == c.ApprovalState.DRAFT
    assert not Approval.objects.system("test").filter(case=case).exists()
    assert AuditEvent.objects.count() == before


def test_case_plan_needs_comprehensive_assessment(world):
    case = register(world.alice)
    with pytest.raises(ValidationError):
        cs.case_plan_create(
            actor=world.alice, case_id=case.pk, goals=[cs.GoalInput("Goal", "", [])]
        )


def test_closure_needs_reason_and_other_needs_note(world):
    case = register(world.alice)
    with pytest.raises(ValidationError):
        cs.case_request_closure(actor=world.alice, case_id=case.pk, reason="", note="")
    with pytest.raises(ValidationError):
        cs.case_request_closure(actor=world.alice, case_id=case.pk, reason="other", note="")
    case.refresh_from_db()
    assert case.stage == c.Stage.REGISTERED


def test_rejected_closure_returns_to_previous_stage(world):
    case = register(world.alice)
    cs.case_request_closure(actor=world.alice, case_id=case.pk, reason="declined_services", note="")
    cs.approval_decide(
        actor=world.sam,
        approval_id=_approval_for(case, "closure").pk,
        approve=False,
        comment="Try once more",
    )
    case.refresh_from_db()
    assert case.status == c.CaseStatus.OPEN and case.stage == c.Stage.REGISTERED


def test_other_caseworker_cannot_change_case(world):
    case = register(world.alice)
    with pytest.raises(PermissionDenied):
        cs.note_add(actor=world.bob, case_id=case.pk, body="hello")
    with pytest.raises(PermissionDenied):
        cs.note_add(actor=world.umid, case_id=case.pk, body="hello")
    with pytest.raises(PermissionDenied):
        cs.note_add(actor=world.max, case_id=case.pk, body="hello")
    cs.note_add(actor=world.sam, case_id=case.pk, body="Supervisor note")


def test_reassign_within_office_and_agency(world):
    case = register(world.alice)
    with pytest.raises(PermissionDenied):
        cs.case_reassign(actor=world.bob, case_id=case.pk, new_owner_id=world.bob.pk, reason="x")
    with pytest.raises(ValidationError):  # Sam's office only
        cs.case_reassign(
            actor=world.sam, case_id=case.pk, new_owner_id=world.olga.pk, reason="moved"
        )
    with pytest.raises(ValidationError):  # another agency
        cs.case_reassign(
            actor=world.ada, case_id=case.pk, new_owner_id=world.umid.pk, reason="moved"
        )
    cs.case_reassign(
        actor=world.sam, case_id=case.pk, new_owner_id=world.bob.pk, reason="Alice on leave"
    )
    case.refresh_from_db()
    assert case.owner == world.bob
    cs.case_reassign(
        actor=world.ada, case_id=case.pk, new_owner_id=world.olga.pk, reason="Child moved to Astana"
    )
    case.refresh_from_db()
    assert case.owner == world.olga and case.office == world.astana


def test_risk_change_moves_initial_assessment_deadline(world):
    case = register(world.alice, risk=c.RiskLevel.LOW)
    cs.case_set_risk(
        actor=world.alice, case_id=case.pk, risk_level="high", reason="Threatened by smugglers"
    )
    a = Assessment.objects.system("test").get(case=case, kind="initial")
    assert a.due_at == case.identified_at + timedelta(hours=24)
    with pytest.raises(ValidationError):
        cs.case_set_risk(actor=world.alice, case_id=case.pk, risk_level="extreme", reason="x")


def test_followup_in_future_or_unseen_without_reason_refused(world):
    case = register(world.alice)
    with pytest.raises(ValidationError):
        cs.followup_record(
            actor=world.alice,
            case_id=case.pk,
            done_on=timezone.now().date() + timedelta(days=1),
            child_seen=True,
            notes="",
        )
    with pytest.raises(ValidationError):
        cs.followup_record(
            actor=world.alice, case_id=case.pk, done_on=date.today(), child_seen=False, notes=""
        )
    assert not Case.objects.system("test").get(pk=case.pk).followups.exists()
