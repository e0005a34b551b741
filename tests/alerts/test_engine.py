"""The alert engine: raising, self-clearing, severity, notifications, the periodic job, and the
case-workflow rules it reuses (rules 1–5, 8 via kinlink.cases.rules.due_items)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone

from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.alerts.tasks import evaluate_all_alerts
from kinlink.care import choices as k
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Assessment, Case
from kinlink.core.scheduler import JOBS

from ..care.conftest import child_case, open_kinds, place, years_ago
from ..conftest import register


def _emails(world):
    for u in (world.sam, world.oscar, world.max, world.nina, world.alice):
        u.email = f"{u.username}@example.org"
        u.save()


def test_detention_mails_supervisor_and_managers_at_once_with_only_a_link(
    world, django_capture_on_commit_callbacks
):
    _emails(world)
    case = child_case(world.alice, dob=years_ago(9))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        place(world.alice, case, k.CareType.DETENTION, place="Closed centre")
    alert = Alert.objects.system("test").get(case=case, kind="detention")
    assert alert.severity == "critical" and alert.notified_at is not None
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["max@example.org", "nina@example.org", "sam@example.org"]
    body = mail.outbox[0].body
    assert f"/alerts/{alert.pk}/" in body
    for secret in (case.number, "Амир", "Сейткали", "Closed centre", "detention"):
        assert secret not in body and secret not in mail.outbox[0].subject


def test_warnings_are_not_mailed(world, django_capture_on_commit_callbacks):
    _emails(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        child_case(world.alice, dob=years_ago(14))  # guardian missing: a warning
    assert mail.outbox == []


def test_one_open_alert_per_situation_and_it_clears(world):
    case = child_case(world.alice, dob=years_ago(14))
    engine.evaluate_case(case.pk)
    engine.evaluate_case(case.pk)
    assert Alert.objects.system("test").filter(case=case, kind="guardian_missing").count() == 1
    Case.objects.system("test").filter(pk=case.pk).update(status="closed")
    engine.evaluate_case(case.pk)
    assert not Alert.objects.system("test").filter(case=case, cleared_at=None).exists()


def test_periodic_job_is_registered_and_runs(world):
    assert any(j.task == "kinlink.alerts.tasks.evaluate_all_alerts" for j in JOBS)
    case = child_case(world.alice, dob=years_ago(14))
    result = evaluate_all_alerts.enqueue()
    assert result.return_value["raised"] >= 1
    assert Alert.objects.system("test").filter(case=case, cleared_at=None).exists()


def test_rule2_initial_assessment_overdue_then_hard_limit(world):
    case = register(world.alice)  # high risk: due in 24 h, hard limit 48 h
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert "initial_assessment_overdue" not in open_kinds(case)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert "initial_assessment_overdue" in open_kinds(case)
        a = Alert.objects.system("t").get(
            case=case, kind="initial_assessment_overdue", cleared_at=None
        )
        assert a.severity == "warning"
    with time_machine.travel(start + timedelta(hours=49), tick=False):
        open_kinds(case)
        a.refresh_from_db()
        assert a.severity == "high"
        initial = Assessment.objects.system("t").get(case=case, kind="initial")
        cs.assessment_save(
            actor=world.alice,
            case_id=case.pk,
            assessment_id=initial.pk,
            findings={"safety": "x"},
            child_views="",
            proposed_risk_level="high",
        )
        cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=initial.pk)
        ap = Approval.objects.system("t").get(case=case, state="pending")
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
        assert "initial_assessment_overdue" not in open_kinds(case)  # the fix


def test_rule3_comprehensive_assessment_overdue(world):
    case = register(world.alice)
    initial = Assessment.objects.system("t").get(case=case, kind="initial")
    cs.assessment_save(
        actor=world.alice,
        case_id=case.pk,
        assessment_id=initial.pk,
        findings={"safety": "x"},
        child_views="",
        proposed_risk_level="high",
    )
    cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=initial.pk)
    cs.approval_decide(
        actor=world.sam,
        approval_id=Approval.objects.system("t").get(case=case, state="pending").pk,
        approve=True,
    )
    comp = Assessment.objects.system("t").get(case=case, kind="comprehensive")
    assert "comprehensive_assessment_overdue" not in open_kinds(case)
    with time_machine.travel(comp.due_at + timedelta(minutes=1), tick=False):
        assert "comprehensive_assessment_overdue" in open_kinds(case)


def test_rules_4_5_8_case_plan_review_and_followup(world):
    case = register(world.alice)
    for kind in ("initial", "comprehensive"):
        a = Assessment.objects.system("t").get(case=case, kind=kind)
        cs.assessment_save(
            actor=world.alice,
            case_id=case.pk,
            assessment_id=a.pk,
            findings={"family": "x"},
            child_views="",
            proposed_risk_level="high",
        )
        cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=a.pk)
        cs.approval_decide(
            actor=world.sam,
            approval_id=Approval.objects.system("t").get(case=case, state="pending").pk,
            approve=True,
        )
    now = timezone.now()
    with time_machine.travel(now + timedelta(days=6), tick=False):
        assert "case_plan_overdue" not in open_kinds(case)
    with time_machine.travel(now + timedelta(days=8), tick=False):
        assert "case_plan_overdue" in open_kinds(case)  # rule 4
        plan = cs.case_plan_create(
            actor=world.alice, case_id=case.pk, goals=[cs.GoalInput("Family care", "family", [])]
        )
        cs.case_plan_submit(actor=world.alice, case_id=case.pk, plan_id=plan.pk)
        cs.approval_decide(
            actor=world.sam,
            approval_id=Approval.objects.system("t").get(case=case, state="pending").pk,
            approve=True,
        )
        assert "case_plan_overdue" not in open_kinds(case)
    with time_machine.travel(now + timedelta(days=8 + 8), tick=False):
        assert "followup_overdue" in open_kinds(case)  # rule 8: weekly for high risk
    with time_machine.travel(now + timedelta(days=8 + 31), tick=False):
        assert "plan_review_overdue" in open_kinds(case)  # rule 5: monthly for high risk


def test_rule1_unassigned_case(world):
    case = register(world.alice)
    Case.objects.system("t").filter(pk=case.pk).update(assigned_at=None)
    with time_machine.travel(case.registered_at + timedelta(minutes=59), tick=False):
        assert "unassigned" not in open_kinds(case)
    with time_machine.travel(case.registered_at + timedelta(minutes=61), tick=False):
        assert "unassigned" in open_kinds(case)
