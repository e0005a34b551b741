"""Alert rules of cross-border exchange, for the requests linked to a case. ``findings(case,
sop, now)`` is called by the alert engine for every open case, on every change and
periodically.

* Rule 43, on both sides: an acknowledgement or a reply past its deadline
  (:mod:`kinlink.exchange.deadlines`). On the receiving node it is this node that is late
  (``xb_ack_overdue``, ``xb_reply_overdue``); on the sending node, the partner
  (``xb_partner_ack_overdue``, ``xb_partner_reply_overdue``; critical for a serious-danger
  alert). The alert clears when the acknowledgement or reply is sent or arrives.
* The partner withdrew what it sent (consent withdrawn, transfer revoked): ``xb_restricted``
  until the caseworker records a review (docs/exchange/withdrawal.md).

Inbound requests not yet linked to a case have no case to carry an alert: the coordinators
see them, with their deadlines and overdue marks, on the exchange page.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from kinlink.alerts.kinds import Finding
from kinlink.core.models import SopProfile

from .models import CrossBorderRequest
from .selectors import overdue

SUBJECT = "exchange.crossborderrequest"


def findings(case, sop: SopProfile, now: datetime) -> list[Finding]:
    out: list[Finding] = []
    reqs = CrossBorderRequest.objects.system("alert rules").filter(case_id=case.pk)
    for req in reqs:
        url = reverse("exchange:request", kwargs={"pk": req.pk})
        if req.restricted_at:
            if req.needs_restriction_review:
                out.append(Finding("xb_restricted", SUBJECT, str(req.pk), req.restricted_at, url))
            continue
        late = overdue(req, now)
        prefix = "xb_partner_" if req.is_outbound else "xb_"
        critical = req.kind == "danger_alert" and req.is_outbound
        if "acknowledge" in late:
            out.append(
                Finding(
                    prefix + "ack_overdue",
                    SUBJECT,
                    str(req.pk),
                    req.acknowledge_due,
                    url,
                    severity="critical" if critical else "",
                )
            )
        if "reply" in late:
            out.append(
                Finding(prefix + "reply_overdue", SUBJECT, str(req.pk), req.response_due, url)
            )
    return out
