"""Deadlines of the case workflow (DOMAIN.md rules 1–5, 8), all from the SOP profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinlink.core.models import SopProfile

from . import choices as c

# What a deadline is about. The kind is stored on the case (Case.next_due_kind); the label
# is translated when shown, in the reader's language.
DUE_KINDS = {
    "initial_assessment": _("Initial assessment"),
    "comprehensive_assessment": _("Comprehensive assessment"),
    "plan_review": _("Case plan review"),
    "case_plan": _("Case plan"),
    "followup": _("Follow-up visit"),
    "approval_assessment": _("Approval: assessment"),
    "approval_case_plan": _("Approval: case plan"),
    "approval_closure": _("Approval: closure"),
    "approval_consent_override": _("Approval: processing without consent"),
    "approval_verification": _("Approval: verification before reunification"),
}


@dataclass(frozen=True)
class DueItem:
    key: str
    kind: str
    due_at: datetime

    @property
    def label(self) -> str:
        return str(DUE_KINDS.get(self.kind, self.kind))

    @property
    def overdue(self) -> bool:
        return self.due_at < timezone.now()


def initial_assessment_due(sop: SopProfile, registered_at: datetime, risk: str) -> datetime:
    hours = (
        sop.initial_assessment_hours_high
        if risk == c.RiskLevel.HIGH
        else sop.initial_assessment_hours_other
    )
    return registered_at + timedelta(hours=hours)


def comprehensive_assessment_due(sop: SopProfile, start: datetime, risk: str) -> datetime:
    days = {
        c.RiskLevel.HIGH: sop.comprehensive_assessment_days_high,
        c.RiskLevel.MEDIUM: sop.comprehensive_assessment_days_medium,
    }.get(risk, sop.comprehensive_assessment_days_low)
    return start + timedelta(days=days)


def case_plan_due(sop: SopProfile, comprehensive_done: datetime) -> datetime:
    return comprehensive_done + timedelta(days=sop.case_plan_days)


def plan_review_due(sop: SopProfile, approved_at: datetime, risk: str) -> datetime:
    days = (
        sop.case_plan_review_days_high
        if risk == c.RiskLevel.HIGH
        else (sop.case_plan_review_days_other)
    )
    return approved_at + timedelta(days=days)


def followup_interval(sop: SopProfile, risk: str) -> timedelta:
    days = {
        c.RiskLevel.HIGH: sop.followup_days_high,
        c.RiskLevel.MEDIUM: sop.followup_days_medium,
    }.get(risk, sop.followup_days_low)
    return timedelta(days=days)


def due_items(case, sop: SopProfile | None = None) -> list[DueItem]:
    """Everything open on a case that has a deadline, earliest first."""
    if case.status != c.CaseStatus.OPEN:
        return []
    sop = sop or SopProfile.current()
    items: list[DueItem] = []
    for a in case.assessments.all():
        if a.state != c.ApprovalState.APPROVED and a.due_at:
            kind = (
                "initial_assessment"
                if a.kind == c.AssessmentKind.INITIAL
                else "comprehensive_assessment"
            )
            items.append(DueItem(f"assessment:{a.pk}", kind, a.due_at))
    plans = list(case.plans.all())
    approved = [p for p in plans if p.state == c.ApprovalState.APPROVED]
    if approved:
        latest = max(approved, key=lambda p: p.version)
        if latest.review_due_at and not any(
            p.version > latest.version and p.state != c.ApprovalState.REJECTED for p in plans
        ):
            items.append(DueItem(f"plan_review:{latest.pk}", "plan_review", latest.review_due_at))
    else:
        comp = [
            a
            for a in case.assessments.all()
            if a.kind == c.AssessmentKind.COMPREHENSIVE and a.state == c.ApprovalState.APPROVED
        ]
        if comp and not any(p.state == c.ApprovalState.PENDING for p in plans):
            items.append(
                DueItem("case_plan", "case_plan", case_plan_due(sop, comp[-1].completed_at))
            )
    for f in case.followups.all():
        if f.done_on is None and f.due_on:
            due = timezone.make_aware(datetime.combine(f.due_on, datetime.min.time()))
            items.append(DueItem(f"followup:{f.pk}", "followup", due))
    for ap in case.approvals.all():
        if ap.state == c.ApprovalState.PENDING:
            items.append(
                DueItem(
                    f"approval:{ap.pk}", f"approval_{ap.subject}", ap.created_at + timedelta(days=2)
                )
            )
    items.sort(key=lambda i: i.due_at)
    return items
