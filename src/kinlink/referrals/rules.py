"""Alert rules of referrals: past their timeframe (rule 6), no update for the SOP's number of
days (rule 7)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse

from kinlink.alerts.kinds import Finding
from kinlink.core.models import SopProfile

from . import choices as r
from .models import Referral


def findings(case, sop: SopProfile, now: datetime) -> list[Finding]:
    out = []
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    refs = Referral.objects.system("alert rules").filter(
        case=case, status__in=list(r.OPEN_STATUSES)
    )
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
