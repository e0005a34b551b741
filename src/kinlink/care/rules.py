"""Alert rules of alternative care, guardianship and best interests (rules 32, 34, 35, 37,
38, 40). Thresholds come from the SOP profile. ``findings(case, sop, now)`` is called by the
alert engine for every open case, on every change and periodically."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from kinlink.alerts.kinds import Finding
from kinlink.cases import choices as cc
from kinlink.core.models import SopProfile

from . import choices as k

UASC = {cc.ProtectionStatus.UNACCOMPANIED, cc.ProtectionStatus.SEPARATED}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def fix_url(case, anchor: str, open_key: str = "") -> str:
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    return f"{url}?open={open_key}#{anchor}" if open_key else f"{url}#{anchor}"


def under3_findings(case, p, sop: SopProfile, today: date) -> list[Finding]:
    """Rule 34: alert at placement (until a supervisor's gatekeeping review), and again once
    the stay passes the allowed number of days or its planned end; nothing from the day the
    child turns 3."""
    age = case.child.age_on(today)
    if not p.residential or age is None or age >= sop.under3_age:
        return []
    anchor = f"placement-{p.pk}"
    days = (today - p.start_on).days
    limit = p.start_on + timedelta(days=sop.under3_residential_max_days)
    if p.planned_end_on and p.planned_end_on < limit:
        limit = p.planned_end_on
    if today > limit:
        return [
            Finding(
                "under3_residential_overdue",
                "care.placement",
                str(p.pk),
                _at(limit + timedelta(days=1)),
                fix_url(case, anchor, f"review-{p.pk}"),
            )
        ]
    reviewed = any(r.by_supervisor and r.reviewed_on >= p.start_on for r in p.reviews.all())
    if reviewed or days < 0:
        return []
    return [
        Finding(
            "under3_residential",
            "care.placement",
            str(p.pk),
            _at(p.start_on),
            fix_url(case, anchor, f"review-{p.pk}"),
        )
    ]


def review_due_on(p, sop: SopProfile) -> date:
    """Rule 35: the next review of a formal placement."""
    last = max([p.start_on, *(r.reviewed_on for r in p.reviews.all())])
    return last + timedelta(days=sop.placement_review_days)


def findings(case, sop: SopProfile, now: datetime) -> list[Finding]:
    today = timezone.localdate(now)
    out: list[Finding] = []
    for p in case.placements.filter(status=k.PlacementStatus.ACTIVE).prefetch_related("reviews"):
        anchor = f"placement-{p.pk}"
        if p.detention:
            out.append(
                Finding(
                    "detention",
                    "care.placement",
                    str(p.pk),
                    _at(p.start_on),
                    fix_url(case, anchor, "placement"),
                )
            )
            continue
        out += under3_findings(case, p, sop, today)
        if p.formal:
            due = review_due_on(p, sop)
            if today > due:
                out.append(
                    Finding(
                        "placement_review_overdue",
                        "care.placement",
                        str(p.pk),
                        _at(due + timedelta(days=1)),
                        fix_url(case, anchor, f"review-{p.pk}"),
                    )
                )
        if p.siblings == k.Siblings.APART and not p.siblings_apart_reason.strip():
            out.append(
                Finding(
                    "siblings_apart",
                    "care.placement",
                    str(p.pk),
                    _at(p.start_on),
                    fix_url(case, anchor, f"review-{p.pk}"),
                )
            )
    if (
        case.child.protection_status in UASC
        and not case.guardians.filter(ended_on__isnull=True).exists()
    ):
        deadline = case.registered_at + timedelta(days=sop.guardian_appointment_days)
        out.append(
            Finding(
                "guardian_missing",
                "cases.case",
                str(case.pk),
                case.registered_at,
                fix_url(case, "guardianship", "guardian"),
                severity="high" if now > deadline else "warning",
            )
        )
    bids = list(case.bips.filter(kind=k.BipKind.BID, status=k.BipStatus.COMPLETED))
    for bid in bids:
        if bid.review_on and bid.review_on < today:
            reviewed = case.bips.filter(
                kind=k.BipKind.BID_REVIEW, reviews=bid, created_at__date__gte=bid.review_on
            ).exists()
            if not reviewed:
                out.append(
                    Finding(
                        "bid_review_due",
                        "care.bestinterestsprocess",
                        str(bid.pk),
                        _at(bid.review_on),
                        fix_url(case, "best-interests", "bip"),
                    )
                )
    return out
