"""Reads of care data: scoped through the case; the case page that shows them is audited."""

from __future__ import annotations

from django.utils import timezone

from kinlink.cases import choices as cc
from kinlink.core.models import SopProfile

from . import choices as k
from .models import BestInterestsProcess, CareProvider, Guardianship, Placement
from .rules import review_due_on


def providers_for(*, user, country: str | None = None):
    qs = CareProvider.objects.filter(active=True)
    country = country or (user.agency.country if getattr(user, "agency_id", None) else None)
    return qs.filter(agency__country=country) if country else qs.none()


def case_care(*, user, case) -> dict:
    """Placements (with decisions and reviews), guardians, best-interests processes and
    durable solutions of a case the user is already allowed to see."""
    sop = SopProfile.current()
    placements = list(
        Placement.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("provider")
        .prefetch_related("gatekeeping__decided_by", "reviews__reviewer")
    )
    for p in placements:
        p.review_due = review_due_on(p, sop) if p.is_active and p.formal else None
        p.review_overdue = bool(p.review_due and p.review_due < timezone.localdate())
    bips = list(
        BestInterestsProcess.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("author")
        .prefetch_related("panel")
    )
    return {
        "placements": placements,
        "guardians": list(Guardianship.objects.restrict(user, "view").filter(case=case)),
        "bips": bips,
        "solutions": list(case.solutions.select_related("bid")),
        "uasc": case.child.protection_status
        in (cc.ProtectionStatus.UNACCOMPANIED, cc.ProtectionStatus.SEPARATED),
        "completed_bids": [
            b for b in bips if b.kind == k.BipKind.BID and b.status == k.BipStatus.COMPLETED
        ],
    }


def detention_count(*, country: str) -> int:
    """Children currently recorded in immigration detention (the detention indicator, rule 38)."""
    return (
        Placement.objects.system("detention indicator")
        .filter(
            care_type=k.CareType.DETENTION,
            status=k.PlacementStatus.ACTIVE,
            case__agency__country=country,
        )
        .values("case__child")
        .distinct()
        .count()
    )
