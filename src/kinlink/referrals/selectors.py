"""Reads of the service map and of referrals (scoped; provider staff see only theirs)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kinlink.core import audit

from .models import Referral, ServicePoint


def service_search(
    *,
    need: str = "",
    country: str = "",
    area: str = "",
    age=None,
    sex: str = "",
    legal_status: str = "",
):
    """Service points that meet a need in a place and that the child is eligible for.
    List fields are filtered in Python (no JSON containment queries: SQLite and PostgreSQL)."""
    qs = ServicePoint.objects.filter(active=True)
    if need:
        qs = qs.filter(service_type=need)
    if country:
        qs = qs.filter(country=country.upper())
    if area:
        qs = qs.filter(
            Q(admin1__icontains=area) | Q(admin2__icontains=area) | Q(admin3__icontains=area)
        )
    if age is not None:
        qs = qs.filter(Q(min_age__isnull=True) | Q(min_age__lte=age))
        qs = qs.filter(Q(max_age__isnull=True) | Q(max_age__gte=age))
    points = list(qs)
    if sex:
        points = [p for p in points if not p.sexes or sex in p.sexes]
    if legal_status:
        points = [p for p in points if not p.legal_statuses or legal_status in p.legal_statuses]
    return points


def inbox(*, user):
    """Referrals made to the provider's service points: no case, no child record — only what
    each referral shares."""
    return (
        Referral.objects.restrict(user, "view")
        .filter(service_point__users=user)
        .select_related("service_point")
        .distinct()
        .order_by("-created_at")
    )


def audit_inbox_shown(*, user, referrals) -> None:
    ids = [str(r.pk) for r in referrals]
    if ids:
        audit.record(
            actor=user,
            action="view",
            object_type="referrals.referral",
            detail={"referral_ids": ids},
        )


def case_referrals(*, user, case) -> list[Referral]:
    return list(
        Referral.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("service_point")
        .distinct()
    )


def referral_for_update(*, user, referral_id) -> Referral:
    ref = Referral.objects.restrict(user, "change").filter(pk=referral_id).distinct().first()
    if ref is None:
        raise PermissionDenied("no such referral in your scope")
    return ref
