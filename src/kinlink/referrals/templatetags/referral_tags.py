"""The referrals section of the case page."""

from __future__ import annotations

from django import template

from kinlink.accounts.roles import can
from kinlink.cases import selectors as case_selectors

from .. import choices as r
from .. import forms as f
from .. import selectors
from ..rules import documentation_gap
from ..services import consent_to_share

register = template.Library()


@register.simple_tag(takes_context=True)
def case_referrals(context):
    request = context.get("request")
    case = context.get("case")
    if request is None or case is None:
        return None
    user = request.user
    work = (
        can(user, "work_case")
        and case.is_open
        and case_selectors.case_can_change(user=user, case=case)
    )
    refs = selectors.case_referrals(user=user, case=case)
    bound = context.get("care_bound") or {}
    open_key = context.get("care_open") or request.GET.get("open", "")
    data = {"referrals": refs, "work": work, "open": open_key}
    if work:
        # The statelessness alert's one click opens the form with the service chosen.
        service = request.GET.get("service", "")
        initial = {"service_type": service} if service in r.ServiceType.values else {}
        data["form"] = bound.get("referral") or f.ReferralForm(
            prefix="referral",
            points=selectors.service_search(country=case.agency.country),
            initial=initial,
        )
        data["consent_to_share"] = consent_to_share(case)
        data["documentation_flag"] = documentation_gap(case.child)
        for ref in refs:
            if ref.is_open:
                ref.status_form = f.StatusForm(prefix=f"s-{ref.pk.hex[:8]}")
    return data
