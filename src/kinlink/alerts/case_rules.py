"""Alert rules of the case workflow (rules 1–5, 8), from kinlink.cases.rules.due_items."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from kinlink.cases import choices as c
from kinlink.cases.rules import due_items
from kinlink.core.models import SopProfile

from .kinds import Finding

DUE_TO_ALERT = {
    "initial_assessment": ("initial_assessment_overdue", "assessments"),
    "comprehensive_assessment": ("comprehensive_assessment_overdue", "assessments"),
    "case_plan": ("case_plan_overdue", "plans"),
    "plan_review": ("plan_review_overdue", "plans"),
    "followup": ("followup_overdue", "followups"),
}


def findings(case, sop: SopProfile, now: datetime) -> list[Finding]:
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    out: list[Finding] = []
    if case.assigned_at is None:
        hours = (
            sop.assign_hours_high
            if case.risk_level == c.RiskLevel.HIGH
            else (sop.assign_hours_other)
        )
        due = case.registered_at + timedelta(hours=hours)
        if now > due:
            out.append(Finding("unassigned", "cases.case", str(case.pk), due, f"{url}#actions"))
    for item in due_items(case, sop):
        if item.kind not in DUE_TO_ALERT or item.due_at >= now:
            continue
        kind, anchor = DUE_TO_ALERT[item.kind]
        severity = ""
        if item.kind == "initial_assessment":
            hard = case.identified_at + timedelta(hours=sop.initial_assessment_hard_limit_hours)
            severity = "high" if now > hard else "warning"
        subject = item.key.split(":", 1)[-1] if ":" in item.key else str(case.pk)
        out.append(
            Finding(
                kind,
                "cases." + item.kind,
                subject,
                item.due_at,
                f"{url}#{anchor}",
                severity=severity,
            )
        )
    return out
