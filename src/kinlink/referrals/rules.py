"""Alert rules of referrals: past their timeframe (rule 6), no update for the SOP's number of
days (rule 7), and a child without documents or at risk of statelessness with no open referral
to legal aid or birth registration (a Kinlink addition, numbered 101)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from kinlink.alerts.kinds import Finding
from kinlink.cases import choices as cc
from kinlink.core.models import SopProfile

from . import choices as r
from .models import Referral

# Birth registration states that leave a child without a legal identity document.
DOCUMENTATION_GAP = {cc.BirthRegistration.NOT_REGISTERED, cc.BirthRegistration.REGISTERED_NO_CERT}
# The services that close a documentation gap.
DOCUMENTATION_SERVICES = [r.ServiceType.LEGAL_AID, r.ServiceType.BIRTH_REGISTRATION]


def documentation_gap(child) -> bool:
    """At risk of statelessness, or no birth registration (or no certificate of it)."""
    return bool(child.statelessness_risk) or child.birth_registration in DOCUMENTATION_GAP


def statelessness_findings(case, now: datetime, open_refs: list) -> list[Finding]:
    if not documentation_gap(case.child):
        return []
    if any(ref.service_type in DOCUMENTATION_SERVICES for ref in open_refs):
        return []
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    # The one click: the referral form, open, with legal aid already chosen.
    fix = f"{url}?open=referral&service={r.ServiceType.LEGAL_AID}#referrals"
    return [
        Finding(
            "statelessness_risk",
            "cases.case",
            str(case.pk),
            case.registered_at or now,
            fix,
        )
    ]


def findings(case, sop: SopProfile, now: datetime) -> list[Finding]:
    out = []
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    refs = list(
        Referral.objects.system("alert rules").filter(case=case, status__in=list(r.OPEN_STATUSES))
    )
    out += statelessness_findings(case, now, refs)
    for ref in refs:
        fix = f"{url}#referral-{ref.pk}"
        if ref.due_at < now and ref.status == r.ReferralStatus.REFERRED:
            out.append(
                Finding("referral_overdue", "referrals.referral", str(ref.pk), ref.due_at, fix)
            )
        stale = ref.status_changed_at + timedelta(days=sop.referral_stale_days)
        if now > stale:
            out.append(Finding("referral_stale", "referrals.referral", str(ref.pk), stale, fix))
    return out
