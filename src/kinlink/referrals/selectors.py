"""Reads of the service map and of referrals (scoped; provider staff see only theirs)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kinlink.core import audit

from .models import AdminArea, Referral, ServicePoint


def area_and_descendants(area_ids) -> set:
    """The given areas and every area inside them (three levels at most: three queries)."""
    found = set(area_ids)
    frontier = set(area_ids)
    while frontier:
        frontier = (
            set(AdminArea.objects.filter(parent_id__in=list(frontier)).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return found


def areas_matching(text: str, country: str = "") -> set:
    """Areas whose name or code matches the text (and everything inside them)."""
    qs = AdminArea.objects.filter(Q(name__icontains=text) | Q(code__iexact=text))
    if country:
        qs = qs.filter(country=country.upper())
    return area_and_descendants(qs.values_list("pk", flat=True))


def area_choices(country: str = "") -> list[tuple[str, str]]:
    """Areas for a select box, each under its parent ("Almaty Region › Almaty › Medeu")."""
    qs = AdminArea.objects.select_related("parent__parent").order_by("country", "level", "name")
    if country:
        qs = qs.filter(country=country.upper())
    rows = [(str(a.pk), f"{a.country}: " + " › ".join(x.name for x in a.chain())) for a in qs]
    return sorted(rows, key=lambda row: row[1])


def service_search(
    *,
    need: str = "",
    country: str = "",
    area: str = "",
    area_id=None,
    age=None,
    sex: str = "",
    legal_status: str = "",
):
    """Service points that meet a need in a place and that the child is eligible for. The
    place is a text (an area's name or code, or admin1–3 names) or an area (``area_id``),
    each with everything inside it.
    List fields are filtered in Python (no JSON containment queries: SQLite and PostgreSQL)."""
    qs = ServicePoint.objects.filter(active=True)
    if need:
        qs = qs.filter(service_type=need)
    if country:
        qs = qs.filter(country=country.upper())
    if area_id:
        qs = qs.filter(area_id__in=list(area_and_descendants([area_id])))
    if area:
        # A place matches an area of the hierarchy and everything inside it; service points
        # without an area still match on their admin1–3 names.
        qs = qs.filter(
            Q(area_id__in=list(areas_matching(area, country)))
            | Q(admin1__icontains=area)
            | Q(admin2__icontains=area)
            | Q(admin3__icontains=area)
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


def point_for_edit(*, user, point_id) -> ServicePoint:
    """A service point the user manages (an agency administrator: of the agency's country)."""
    point = ServicePoint.objects.select_related("area").filter(pk=point_id).first()
    country = user.agency.country if getattr(user, "agency_id", None) else None
    if point is None or (country is not None and point.country != country):
        raise PermissionDenied("no such service point")
    return point
