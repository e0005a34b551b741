"""Reads of case data: always scoped to the user, and every read of a child's record audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from kinlink.accounts.models import User
from kinlink.core import audit

from . import choices as c
from .models import Approval, Assessment, Attachment, Case, Child
from .search import query_keys


@dataclass
class CaseFilters:
    q: str = ""
    status: str = ""
    risk_level: str = ""
    stage: str = ""
    office: str = ""
    protection_status: str = ""
    overdue_only: bool = False


def case_list(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Cases the user may see, due and overdue first. Not audited until rendered (see below)."""
    f = filters or CaseFilters()
    qs = Case.objects.restrict(user, "view").select_related("child", "office", "owner")
    if f.q:
        q = f.q.strip()
        by_number = Q(number__iexact=q)
        keys = query_keys(q)
        by_name = Q()
        for key in keys:
            by_name &= Q(child__search_keys__contains=key)
        qs = qs.filter(by_number | by_name) if keys else qs.filter(by_number)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.risk_level:
        qs = qs.filter(risk_level=f.risk_level)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.office:
        qs = qs.filter(office_id=f.office)
    if f.protection_status:
        qs = qs.filter(child__protection_status=f.protection_status)
    if f.overdue_only:
        from django.utils import timezone

        qs = qs.filter(next_due_at__lt=timezone.now())
    # Open cases with deadlines first (earliest first), then the rest by registration.
    from django.db.models import F

    return qs.order_by(F("next_due_at").asc(nulls_last=True), "-registered_at")


def audit_list_read(*, user: User, cases, query: str = "") -> None:
    """Record that a list showing these cases (names included) was displayed."""
    ids = [str(case.pk) for case in cases]
    if ids:
        audit.record(
            actor=user,
            action="search",
            object_type="cases.case",
            detail={"case_ids": ids, "query": bool(query)},
        )


def case_get(*, user: User, case_id, action: str = "view", audit_read: bool = True) -> Case:
    """One case the user may see; PermissionDenied (shown as 404) otherwise."""
    case = (
        Case.objects.restrict(user, action)
        .select_related("child", "office", "owner", "agency")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        audit.record(
            actor=user, action="denied", object_type="cases.case", object_id=str(case_id)[:64]
        )
        raise PermissionDenied("no such case in your scope")
    if audit_read:
        audit.record(actor=user, action="view", obj=case, case_id=case.pk)
    return case


def case_get_for_print(*, user: User, case_id) -> Case:
    """A case to print: the print itself is what the audit trail records."""
    case = case_get(user=user, case_id=case_id, audit_read=False)
    audit.record(actor=user, action="print", obj=case, case_id=case.pk)
    return case


def child_get(*, user: User, child_id) -> Child:
    child = Child.objects.restrict(user, "view").filter(pk=child_id).distinct().first()
    if child is None:
        raise PermissionDenied("no such child in your scope")
    audit.record(actor=user, action="view", obj=child)
    return child


def attachment_get(*, user: User, case_id, attachment_id) -> Attachment:
    att = (
        Attachment.objects.restrict(user, "view").filter(pk=attachment_id, case_id=case_id).first()
    )
    if att is None:
        raise PermissionDenied("no such attachment in your scope")
    return att


def approvals_pending(*, user: User) -> QuerySet[Approval]:
    return (
        Approval.objects.restrict(user, "change")
        .filter(state=c.ApprovalState.PENDING)
        .exclude(requested_by=user)
        .select_related("case", "case__child", "requested_by")
        .order_by("created_at")
    )


def possible_duplicates(
    *, user: User, given_name: str, family_name: str = "", limit: int = 5
) -> list[Child]:
    """Children already registered whose names share every search key of the new name.

    Runs over all children of the node (a duplicate may sit in another office), but only
    returns the ones the user may see in full; the count of others is given separately by
    ``possible_duplicate_count``.
    """
    keys = query_keys(f"{given_name} {family_name}")
    if not keys:
        return []
    q = Q()
    for key in keys:
        q &= Q(search_keys__contains=key)
    return list(Child.objects.restrict(user, "view").filter(q).distinct()[:limit])


def possible_duplicate_count(*, given_name: str, family_name: str = "") -> int:
    keys = query_keys(f"{given_name} {family_name}")
    if not keys:
        return 0
    q = Q()
    for key in keys:
        q &= Q(search_keys__contains=key)
    return Child.objects.system("duplicate check at registration").filter(q).count()


def team_caseload(*, user: User) -> list[dict]:
    """Open cases and overdue items per case owner, for a supervisor's home page."""
    from django.db.models import Count
    from django.utils import timezone

    now = timezone.now()
    rows = (
        Case.objects.restrict(user, "view")
        .filter(status=c.CaseStatus.OPEN)
        .values("owner__id", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(next_due_at__lt=now)),
            high=Count("id", filter=Q(risk_level=c.RiskLevel.HIGH)),
        )
        .order_by("-overdue", "-open")
    )
    return list(rows)


def assessment_get(*, user: User, case_id, assessment_id, action: str = "view") -> Assessment:
    """One assessment of one case, if ``user`` may ``action`` that case (the API's PATCH)."""
    a = Assessment.objects.restrict(user, action).filter(pk=assessment_id, case_id=case_id).first()
    if a is None:
        raise PermissionDenied("no such assessment in your scope")
    return a


# --------------------------------------------------------------------------- for the web UI


def case_can_change(*, user: User, case: Case) -> bool:
    """Whether ``case`` lies in the user's change scope (which actions to offer on its page)."""
    return Case.objects.restrict(user, "change").filter(pk=case.pk).exists()


def reassign_candidates(*, user: User) -> QuerySet[User]:
    """Active caseworkers and supervisors a case could be given to by ``user``.

    The same people ``services.case_reassign`` accepts: of the actor's agency, with an office;
    a supervisor reassigns within the office.
    """
    from kinlink.accounts.roles import Role

    if not user.agency_id:
        return User.objects.none()
    qs = User.objects.filter(
        is_active=True,
        role__in=[Role.CASEWORKER, Role.SUPERVISOR],
        agency_id=user.agency_id,
        office__isnull=False,
    ).select_related("office")
    if user.role == Role.SUPERVISOR:
        qs = qs.filter(office_id=user.office_id)
    return qs.order_by("office__name", "username")


def audit_duplicates_shown(*, user: User, children) -> None:
    """Record that possible duplicates (names included) were shown at registration."""
    ids = [str(child.pk) for child in children]
    if ids:
        audit.record(
            actor=user,
            action="search",
            object_type="cases.child",
            detail={"child_ids": ids, "duplicate_check": True},
        )
