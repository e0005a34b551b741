"""The care section of the case page (``care/_case_care.html``): it reads its own data, so
the case view needs no change."""

from __future__ import annotations

from django import template
from django.utils import timezone

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role, can
from kinlink.alerts import selectors as alert_selectors
from kinlink.cases import selectors as case_selectors

from .. import choices as k
from .. import forms as f
from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_care(context):
    request = context.get("request")
    case = context.get("case")
    if request is None or case is None:
        return None
    user = request.user
    data = selectors.case_care(user=user, case=case)
    work = (
        can(user, "work_case")
        and case.is_open
        and case_selectors.case_can_change(user=user, case=case)
    )
    bound = context.get("care_bound") or {}
    today = timezone.localdate()
    forms = {}
    if work:
        forms["placement"] = bound.get("care-placement") or f.PlacementForm(
            prefix="placement",
            initial={"start_on": today},
            providers=selectors.providers_for(user=user, country=case.agency.country),
        )
        forms["guardian"] = bound.get("care-guardian") or f.GuardianForm(
            prefix="guardian", initial={"appointed_on": today}
        )
        forms["bip"] = bound.get("care-bip") or f.BipStartForm(
            prefix="bip", bids=data["completed_bids"]
        )
        forms["solution"] = bound.get("care-solution") or f.SolutionForm(prefix="solution")
        assessments = list(case.assessments.all())
        for p in data["placements"]:
            if p.status == k.PlacementStatus.PROPOSED and not p.detention:
                key = f"care-gk-{p.pk}"
                p.gk_key, p.gk_form = (
                    key,
                    bound.get(key)
                    or f.GatekeepingForm(
                        prefix=f"gk-{p.pk.hex[:8]}",
                        assessments=assessments,
                        initial={"decided_on": today},
                    ),
                )
            if p.is_active:
                key = f"review-{p.pk}"
                p.review_key, p.review_form = (
                    key,
                    bound.get(key)
                    or f.ReviewForm(prefix=f"rv-{p.pk.hex[:8]}", initial={"reviewed_on": today}),
                )
                key = f"end-{p.pk}"
                p.end_key, p.end_form = (
                    key,
                    bound.get(key)
                    or f.EndForm(prefix=f"end-{p.pk.hex[:8]}", initial={"ended_on": today}),
                )
        colleagues = None
        may_reopen = can(user, "approve")
        for b in data["bips"]:
            if may_reopen and b.kind == k.BipKind.BID and b.status == k.BipStatus.COMPLETED:
                reviews = [
                    r
                    for r in data["bips"]
                    if r.kind == k.BipKind.BID_REVIEW and r.completed and r.reviews_id == b.pk
                ]
                if reviews:
                    key = f"reopen-{b.pk}"
                    b.reopen_key, b.reopen_form = (
                        key,
                        bound.get(key)
                        or f.ReopenForm(prefix=f"reopen-{b.pk.hex[:8]}", reviews=reviews),
                    )
            if b.status != k.BipStatus.OPEN:
                continue
            if b.kind in k.BIA_KINDS:
                key = f"bia-{b.pk}"
                b.bia_key, b.bia_form = (
                    key,
                    bound.get(key) or f.BiaForm(prefix=f"bia-{b.pk.hex[:8]}"),
                )
            else:
                if colleagues is None:
                    colleagues = User.objects.filter(
                        is_active=True,
                        agency_id=case.agency_id,
                        role__in=[Role.CASEWORKER, Role.SUPERVISOR, Role.MANAGER],
                    ).order_by("first_name", "username")
                key = f"panel-{b.pk}"
                b.panel_key, b.panel_form = (
                    key,
                    bound.get(key)
                    or f.PanelForm(prefix=f"panel-{b.pk.hex[:8]}", colleagues=colleagues),
                )
                key = f"bid-{b.pk}"
                b.bid_key, b.bid_form = (
                    key,
                    bound.get(key) or f.BidForm(prefix=f"bid-{b.pk.hex[:8]}"),
                )
        for s in data["solutions"]:
            if s.status == k.SolutionStatus.PROPOSED:
                key = f"implement-{s.pk}"
                s.impl_key, s.impl_form = (
                    key,
                    bound.get(key)
                    or f.ImplementForm(
                        prefix=f"impl-{s.pk.hex[:8]}", initial={"implemented_on": today}
                    ),
                )
    open_key = context.get("care_open") or request.GET.get("open", "")
    return data | {
        "work": work,
        "forms": forms,
        "open": open_key,
        "alerts": alert_selectors.case_alerts(user=user, case=case),
    }
