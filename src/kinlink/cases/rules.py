"""Deadlines of the case workflow (DOMAIN.md rules 1–5, 8), all from the SOP profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinlink.core.models import SopProfile

from . import choices as c


@dataclass(frozen=True)
class DueItem:
    key: str
    label: str
    due_at: datetime

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
    from .models import Approval

    if case.status != c.CaseStatus.OPEN:
        return []
    sop = sop or SopProfile.current()
    items: list[DueItem] = []
    for a in case.assessments.all():
        if a.state != c.ApprovalState.APPROVED and a.due_at:
            label = (
                _("Initial assessment")
                if a.kind == c.AssessmentKind.INITIAL
                else _("Comprehensive assessment")
            )
            items.append(DueItem(f"assessment:{a.pk}", str(label), a.due_at))
    plans = list(case.plans.all())
    approved = [p for p in plans if p.state == c.ApprovalState.APPROVED]
    if approved:
        latest = max(approved, key=lambda p: p.version)
        if latest.review_due_at and not any(
            p.version > latest.version and p.state != c.ApprovalState.REJECTED for p in plans
        ):
            items.append(
                DueItem(
                    f"plan_review:{latest.pk}", str(_("Case plan review")), latest.review_due_at
                )
            )
    else:
        comp = [
            a
            for a in case.assessments.all()
            if a.kind == c.AssessmentKind.COMPREHENSIVE and a.state == c.ApprovalState.APPROVED
        ]
        if comp and not any(p.state == c.ApprovalState.PENDING for p in plans):
            items.append(
                DueItem("case_plan", str(_("Case plan")), case_plan_due(sop, comp[-1].completed_at))
            )
    for f in case.followups.all():
        if f.done_on is None and f.due_on:
            due = timezone.make_aware(datetime.combine(f.due_on, datetime.min.time()))
            items.append(DueItem(f"followup:{f.pk}", str(_("Follow-up visit")), due))
    for ap in case.approvals.all():
        if ap.state == c.ApprovalState.PENDING:
            items.append(
                DueItem(
                    f"approval:{ap.pk}",
                    str(
                        _("Approval: %(subject)s") % {"subject": Approval.Subject(ap.subject).label}
                    ),
                    ap.created_at + timedelta(days=2),
                )
            )
    items.sort(key=lambda i: i.due_at)
    return items
