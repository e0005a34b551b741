"""Alert rules about a person rather than a case: rule 11, a case owner's caseload above the
SOP profile's ``caseload_limit``. The alert has no case; it carries the caseworker as its
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


def open_caseloads(user_ids=None) -> dict:
    """Open cases per owner (only owners with at least one)."""
    qs = Case.objects.system("caseload rule").filter(status=c.CaseStatus.OPEN, owner__isnull=False)
    if user_ids is not None:
        qs = qs.filter(owner_id__in=list(user_ids))
    return {row["owner_id"]: row["n"] for row in qs.values("owner_id").annotate(n=Count("pk"))}


def _since(owner_id, limit: int, fallback: datetime) -> datetime:
    """When the owner went over the limit: the assignment of their (limit + 1)-th open case,
    oldest first."""
    times = list(
        Case.objects.system("caseload rule")
        .filter(status=c.CaseStatus.OPEN, owner_id=owner_id)
        .order_by("assigned_at", "registered_at")
        .values_list("assigned_at", "registered_at")[limit : limit + 1]
    )
    if not times:
        return fallback
    assigned, registered = times[0]
    return assigned or registered or fallback


def findings(user_ids, sop: SopProfile, now: datetime) -> dict[object, list[Finding]]:
    """Rule 11: ``{user id: [finding]}`` for each owner with more open cases than the limit."""
    if user_ids is not None and not user_ids:
        return {}
    from kinlink.accounts.models import User

    limit = sop.caseload_limit
    over = {uid: n for uid, n in open_caseloads(user_ids).items() if n > limit}
    out: dict[object, list[Finding]] = {}
    offices = dict(User.objects.filter(pk__in=list(over)).values_list("pk", "office_id"))
    for uid in over:
        query = {"status": c.CaseStatus.OPEN}
        if offices.get(uid):
            query["office"] = str(offices[uid])
        fix = reverse("cases:list") + "?" + urlencode(query)
        out[uid] = [Finding("caseload", "accounts.user", str(uid), _since(uid, limit, now), fix)]
    return out
