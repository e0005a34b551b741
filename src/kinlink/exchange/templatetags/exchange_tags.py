"""The cross-border section of the case page (``exchange/_case_exchange.html``): the requests
sent or received about the case, their deadlines and any withdrawal by the partner. It reads
its own data, so the case view needs no change; the case page's own audit entry covers it."""

from __future__ import annotations

from django import template

from kinlink.accounts.roles import can

from .. import selectors
from ..propagation import REVIEW_OUTCOMES

register = template.Library()

SEES_EXCHANGE = ("exchange", "work_case", "see_team", "approve")


@register.simple_tag(takes_context=True)
def case_exchange(context):
    request = context.get("request")
    case = context.get("case")
    if request is None or case is None:
        return None
    user = request.user
    if not any(can(user, c) for c in SEES_EXCHANGE):
        return None
    rows = selectors.case_requests(user=user, case=case)
    may_send = (
        can(user, "work_case")
        and case.is_open
        and selectors.case_may_change(user=user, case=case)
        and selectors.node_ready()
    )
    if not rows and not may_send:
        return None
    may_review = can(user, "work_case") and selectors.case_may_change(user=user, case=case)
    for r in rows:
        r.needs_review = may_review and r.needs_restriction_review
    return {"requests": rows, "may_send": may_send, "outcomes": list(REVIEW_OUTCOMES.items())}


@register.simple_tag(takes_context=True)
def trace_exchange(context, trace):
    """The encoded tracing queries of one trace on the tracing request page
    (``exchange/_trace_exchange.html``): partner, status, number of likely matches and their
    probabilities — pseudonymous references only, never names. Shown to the requesting side
    (a received query has no trace); the tracing page's own audit entry covers it."""
    from kinlink.tracing.models import Trace

    from .. import tracing_services as tq

    request = context.get("request")
    if request is None or trace is None:
        return None
    user = request.user
    if not any(can(user, c) for c in SEES_EXCHANGE):
        return None
    queries = tq.trace_queries(user=user, trace=trace)
    may_ask = (
        can(user, "work_case")
        and trace.request.consent_to_share
        and Trace.objects.restrict(user, "change").filter(pk=trace.pk).exists()
    )
    may_prepare = (
        may_ask and trace.request.status == "open" and selectors.node_ready() and tq.pprl_ready()
    )
    if not queries and not may_prepare:
        return None
    return {"queries": queries, "may_prepare": may_prepare, "may_ask": may_ask}
