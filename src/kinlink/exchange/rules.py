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
* Rule 42 (Hague 1996 Art. 36): a high-risk case whose child is now in another country
  (``Child.current_country``) needs a serious-danger alert to that State's authority at once:
  ``xb_art36_due`` (critical) until a ``danger_alert`` to a partner node of that country has
  been approved and sent. Where no partner node of that country exists the alert stays, and
  its fix page says so: the alert then goes by other channels (Central Authority), which
  Kinlink does not record yet.

Requests without a case carry their alerts themselves (:func:`node_findings`), on the board
of this node's coordinators: received ones not linked yet (``xb_inbox_ack_overdue``,
``xb_inbox_reply_overdue``) and tracing queries sent from a trace (``xb_partner_*``); once a
received request is linked to a case, the case's alerts take over.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from kinlink.alerts.kinds import Finding
from kinlink.cases import choices as cc
from kinlink.core.models import SopProfile

from .models import CrossBorderRequest
from .selectors import overdue

SUBJECT = "exchange.crossborderrequest"


# A danger alert counts once it has been approved and sent (whatever the partner did next).
_NOT_SENT = {"draft", "blocked", "pending_approval", "withdrawn"}


def art36_due(case, reqs) -> bool:
    """Rule 42: the child of a high-risk case is in another country, and no serious-danger
    alert has been sent to a partner node of that country."""
    abroad = (case.child.current_country or "").upper()
    if case.risk_level != cc.RiskLevel.HIGH or not abroad:
        return False
    if abroad == (case.agency.country or "").upper():
        return False
    return not any(
        r.kind == "danger_alert"
        and r.is_outbound
        and r.status not in _NOT_SENT
        and (r.partner.country or "").upper() == abroad
        for r in reqs
    )


def findings(case, sop: SopProfile, now: datetime) -> list[Finding]:
    out: list[Finding] = []
    reqs = list(
        CrossBorderRequest.objects.system("alert rules")
        .filter(case_id=case.pk)
        .select_related("partner")
    )
    if art36_due(case, reqs):
        url = reverse("exchange:request_create", kwargs={"case_id": case.pk})
        since = max(case.child.updated_at, case.updated_at)
        out.append(
            Finding(
                "xb_art36_due",
                "cases.case",
                str(case.pk),
                since,
                url + "?kind=danger_alert",
                severity="critical",
            )
        )
    for req in reqs:
        if req.restricted_at:
            if req.needs_restriction_review:
                url = reverse("exchange:request", kwargs={"pk": req.pk})
                out.append(Finding("xb_restricted", SUBJECT, str(req.pk), req.restricted_at, url))
            continue
        prefix = "xb_partner_" if req.is_outbound else "xb_"
        critical = req.kind == "danger_alert" and req.is_outbound
        out += _deadline_findings(
            req, now, prefix + "ack_overdue", prefix + "reply_overdue",
            ack_severity="critical" if critical else "",
        )
    return out


def _deadline_findings(req, now, ack_kind: str, reply_kind: str, *, ack_severity: str = ""):
    """The acknowledgement and reply deadlines a request has missed, as findings."""
    late = overdue(req, now)
    url = reverse("exchange:request", kwargs={"pk": req.pk})
    out = []
    if "acknowledge" in late:
        out.append(
            Finding(ack_kind, SUBJECT, str(req.pk), req.acknowledge_due, url, ack_severity)
        )
    if "reply" in late:
        out.append(Finding(reply_kind, SUBJECT, str(req.pk), req.response_due, url))
    return out


def node_findings(sop: SopProfile, now: datetime) -> list[Finding]:
    """Rule 43 on the receiving side, for requests this node has not linked to a case yet:
    not acknowledged or not answered in time. Evaluated hourly and after every
    acknowledgement or decision (``kinlink.alerts.engine.evaluate_node``)."""
    out: list[Finding] = []
    open_requests = (
        CrossBorderRequest.objects.system("alert rules")
        .filter(case__isnull=True, restricted_at__isnull=True)
        .exclude(status__in=["declined", "closed", "completed", "withdrawn"])
    )
    for req in open_requests:
        # received and not linked yet: this node is late; sent without a case (a tracing
        # query built from a trace): the partner is
        prefix = "xb_partner_" if req.is_outbound else "xb_inbox_"
        out += _deadline_findings(req, now, prefix + "ack_overdue", prefix + "reply_overdue")
    return out
