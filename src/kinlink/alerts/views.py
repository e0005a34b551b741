"""The supervisor's alert board: open alerts by rule and severity, oldest first, each with the
one link that fixes it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kinlink.accounts.roles import can

from . import selectors
from .kinds import KINDS
from .models import Severity


def _require_alerts(user) -> None:
    if not can(user, "see_alerts"):
        raise PermissionDenied


@login_required
@require_GET
def board(request):
    _require_alerts(request.user)
    try:
        rule = int(request.GET.get("rule") or 0) or None
    except ValueError:
        rule = None
    severity = request.GET.get("severity", "")
    if severity not in Severity.values:
        severity = ""
    page = Paginator(selectors.board(user=request.user, rule=rule, severity=severity), 50).get_page(
        request.GET.get("page")
    )
    alerts = list(page.object_list)
    selectors.audit_board_shown(user=request.user, alerts=alerts)
    counts = selectors.board_counts(user=request.user)
    for row in counts:
        row["label"] = KINDS[row["kind"]].label if row["kind"] in KINDS else row["kind"]
    return render(
        request,
        "alerts/board.html",
        {
            "nav_active": "alerts",
            "alerts": alerts,
            "page": page,
            "counts": counts,
            "rule": rule,
            "severity": severity,
            "severities": Severity.choices,
            "rules": sorted({k.rule for k in KINDS.values()}),
        },
    )


@login_required
@require_GET
def open_alert(request, pk):
    """The link in a notification e-mail and on the board: straight to what fixes it."""
    if not (can(request.user, "see_alerts") or can(request.user, "work_case")):
        raise PermissionDenied
    try:
        alert = selectors.alert_get(user=request.user, alert_id=pk)
    except PermissionDenied:
        raise Http404 from None
    return redirect(alert.fix_url)
