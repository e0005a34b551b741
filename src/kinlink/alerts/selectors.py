"""Reads of alerts: always scoped through the case; lists showing children are audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count

from kinlink.core import audit

from .models import SEVERITY_RANK, Alert


def board(*, user, rule: int | None = None, severity: str = ""):
    """Open alerts in the user's scope, oldest first."""
    qs = (
        Alert.objects.restrict(user, "view")
        .filter(cleared_at__isnull=True)
        .select_related("case", "case__child", "case__owner", "subject_user")
    )
    if rule:
        qs = qs.filter(rule=rule)
    if severity:
        qs = qs.filter(severity=severity)
    return qs.order_by("since", "raised_at")


def board_counts(*, user) -> list[dict]:
    """Open alerts by rule and severity (no child data)."""
    rows = (
        Alert.objects.restrict(user, "view")
        .filter(cleared_at__isnull=True)
        .values("rule", "kind", "severity")
        .annotate(n=Count("pk"))
    )
    return sorted(rows, key=lambda r: (SEVERITY_RANK.get(r["severity"], 9), r["rule"]))


def audit_board_shown(*, user, alerts) -> None:
    ids = sorted({str(a.case_id) for a in alerts if a.case_id})
    if ids:
        audit.record(
            actor=user, action="view", object_type="alerts.alert", detail={"case_ids": ids}
        )


def alert_get(*, user, alert_id) -> Alert:
    alert = Alert.objects.restrict(user, "view").filter(pk=alert_id).first()
    if alert is None:
        raise PermissionDenied("no such alert in your scope")
    audit.record(actor=user, action="view", obj=alert, case_id=alert.case_id)
    return alert


def case_alerts(*, user, case) -> list[Alert]:
    """Open alerts of a case already shown to the user (the case page audits the read)."""
    return list(Alert.objects.restrict(user, "view").filter(case=case, cleared_at__isnull=True))
