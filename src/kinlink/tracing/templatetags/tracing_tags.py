"""Template helpers of the tracing pages, and the tracing section of the case page.

The case page includes ``tracing/_case_tracing.html``; that template calls ``case_tracing``
to read the child's side of tracing itself, so the case view needs no change.
"""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.cases import selectors as case_selectors

from .. import explain
from .. import forms as f
from .. import services as ts
from .. import web_selectors as ws

register = template.Library()


@register.simple_tag(takes_context=True)
def case_tracing(context):
    """Everything the case page's tracing section shows; ``None`` when there is nothing."""
    request = context.get("request")
    case = context.get("case")
    if request is None or case is None:
        return None
    user = request.user
    data = ws.case_tracing_overview(user=user, case=case)
    if not (
        data["record"]
        or data["actions"]
        or data["verifications"]
        or data["reunifications"]
        or data["disclosures"]
    ):
        return None
    work = (
        can(user, "work_case")
        and case.is_open
        and case_selectors.case_can_change(user=user, case=case)
    )
    bound = context.get("tracing_bound") or {}
    forms = {}
    if work:
        record = data["record"]
        forms["flags"] = bound.get("tracing-flags") or f.FlagsForm(
            initial={
                "does_not_want_to_be_found": bool(record and record.does_not_want_to_be_found),
                "trafficking_risk": bool(record and record.trafficking_risk),
                "caafag": bool(record and record.caafag),
            }
        )
        forms["action"] = bound.get("tracing-action") or f.TracingActionForm(prefix="tracing")
        forms["verification"] = bound.get("verification") or f.VerificationForm(
            prefix="verification", traces=data["matched_traces"]
        )
        if data["reunifiable"] or "reunification" in bound:
            forms["reunification"] = bound.get("reunification") or f.ReunificationForm(
                prefix="reunification", verifications=data["reunifiable"]
            )
        for v in data["submittable"]:
            v.submit_key = f"verification-{v.pk}"
            v.submit_form = bound.get(v.submit_key) or f.VerificationSubmitForm(
                prefix=f"v-{v.pk.hex[:8]}"
            )
    return data | {
        "work": work,
        "forms": forms,
        "photo_refusal": ts.photo_tracing_refusal(case) if work else None,
        "action_due": data["record"].first_action_due_at
        if data["record"] and not data["actions"]
        else None,
    }


@register.filter
def percent(probability) -> str:
    """A probability as a localised percentage ("87%"; never "100%" for a guess)."""
    if probability is None:
        return "—"
    p = float(probability) * 100
    if p >= 99.5:
        return _("over 99%")
    if p < 1:
        return _("under 1%")
    return _("%(n)s%%") % {"n": number_format(round(p))}


VERDICT_CLASSES = {
    "agree": "text-bg-success",
    "partly": "text-bg-warning",
    "disagree": "text-bg-danger",
    "unknown": "text-bg-light border",
}
VERDICT_ICONS = {"agree": "✓", "partly": "≈", "disagree": "✗", "unknown": "?"}


@register.filter
def verdict_class(verdict: str) -> str:
    return VERDICT_CLASSES.get(verdict, "text-bg-light border")


@register.filter
def verdict_icon(verdict: str) -> str:
    return VERDICT_ICONS.get(verdict, "?")


@register.filter
def yes_no(value) -> str:
    if value is None:
        return _("not asked yet")
    return _("yes") if value else _("no")


@register.filter
def sibling_signature(rows) -> bool:
    return explain.sibling_signature(list(rows or []))
