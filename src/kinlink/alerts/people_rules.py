"""Alert rules about a person rather than a case: rule 11, a case owner's caseload above the
SOP profile's ``caseload_limit``, each open case weighted by its risk level
(``caseload_weight_*``). The alert has no case; it carries the caseworker as its
``subject_user`` and is seen by whoever's scope covers that person (their office's
supervisors, the agency's managers)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from kinlink.cases import choices as c
from kinlink.cases.models import Case
from kinlink.core.models import SopProfile

from .kinds import Finding


def weights(sop: SopProfile) -> dict[str, float]:
    return {
        c.RiskLevel.HIGH: sop.caseload_weight_high,
        c.RiskLevel.MEDIUM: sop.caseload_weight_medium,
        c.RiskLevel.LOW: sop.caseload_weight_low,
        c.RiskLevel.NOT_ASSESSED: sop.caseload_weight_not_assessed,
    }


def open_caseloads(sop: SopProfile, user_ids=None) -> dict:
    """Risk-weighted open cases per owner (only owners with at least one)."""
    qs = Case.objects.system("caseload rule").filter(status=c.CaseStatus.OPEN, owner__isnull=False)
    if user_ids is not None:
        qs = qs.filter(owner_id__in=list(user_ids))
    w = weights(sop)
    load: dict = {}
    for row in qs.values("owner_id", "risk_level").annotate(n=Count("pk")):
        load[row["owner_id"]] = load.get(row["owner_id"], 0.0) + row["n"] * w.get(
            row["risk_level"], 1.0
        )
    return load


def _since(owner_id, sop: SopProfile, fallback: datetime) -> datetime:
    """When the owner went over the limit: the assignment of the open case, oldest first,
    with which their weighted caseload first exceeds it."""
    w = weights(sop)
    total = 0.0
    rows = (
        Case.objects.system("caseload rule")
        .filter(status=c.CaseStatus.OPEN, owner_id=owner_id)
        .order_by("assigned_at", "registered_at")
        .values_list("risk_level", "assigned_at", "registered_at")
    )
    for risk, assigned, registered in rows:
        total += w.get(risk, 1.0)
        if total > sop.caseload_limit + _EPS:
            return assigned or registered or fallback
    return fallback


_EPS = 1e-9


def findings(user_ids, sop: SopProfile, now: datetime) -> dict[object, list[Finding]]:
    """Rule 11: ``{user id: [finding]}`` for each owner whose risk-weighted open caseload is
    above the limit."""
    if user_ids is not None and not user_ids:
        return {}
    from kinlink.accounts.models import User

    limit = sop.caseload_limit
    over = {uid: n for uid, n in open_caseloads(sop, user_ids).items() if n > limit + _EPS}
    out: dict[object, list[Finding]] = {}
    offices = dict(User.objects.filter(pk__in=list(over)).values_list("pk", "office_id"))
    for uid in over:
        query = {"status": c.CaseStatus.OPEN}
        if offices.get(uid):
            query["office"] = str(offices[uid])
        fix = reverse("cases:list") + "?" + urlencode(query)
        out[uid] = [Finding("caseload", "accounts.user", str(uid), _since(uid, sop, now), fix)]
    return out
