"""The home page: what needs doing first, by role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from kinlink.accounts.roles import can
from kinlink.cases import choices as c
from kinlink.cases import selectors

HOME_CASES = 25
HOME_APPROVALS = 10


@login_required
def home(request):
    user = request.user
    ctx: dict = {"nav_active": "home", "now": timezone.now()}
    if not (can(user, "work_case") or can(user, "see_team")):
        return render(request, "web/home_other.html", ctx)

    open_cases = selectors.case_list(
        user=user, filters=selectors.CaseFilters(status=c.CaseStatus.OPEN)
    )
    cases = list(open_cases[:HOME_CASES])
    shown = list(cases)
    if can(user, "see_team"):
        ctx["caseload"] = selectors.team_caseload(user=user)
    if can(user, "approve"):
        approvals = list(selectors.approvals_pending(user=user)[:HOME_APPROVALS])
        ctx["approvals"] = approvals
        shown += [ap.case for ap in approvals]
    selectors.audit_list_read(user=user, cases=list({k.pk: k for k in shown}.values()))
    ctx |= {
        "cases": cases,
        "open_total": open_cases.count(),
        "overdue_total": sum(1 for k in cases if k.next_due_at and k.next_due_at < ctx["now"]),
        "is_caseworker": can(user, "work_case") and not can(user, "see_team"),
    }
    ctx["show_owner"] = not ctx["is_caseworker"]
    return render(request, "web/home.html", ctx)
