"""Indicators over referrals, alternative care, cross-border requests and tracing (DOMAIN.md 6.2).

Registered from the statistics app's ``ready()``; their facts are ``DomainFact`` rows of the
named ``source`` (see ``domain_facts``). Immigration detention is a sensitive category: its
cells need the higher minimum (rule 46). The barriers to services are the referrals declined by
the service or not implemented, by service type and by the coded barrier the caseworker or
provider recorded (``Referral.barrier``; the free-text reason is encrypted and never counted).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.care import choices as k
from kinlink.exchange.models import CrossBorderRequest
from kinlink.exchange.profiles import REQUEST_TYPES
from kinlink.referrals import choices as r
from kinlink.tracing import choices as tc

from . import indicators as ind
from .domain_facts import OPEN
from .indicators import Dimension, Indicator, Period, register

# ----------------------------------------------------------------------- dimensions

DOMAIN_DIMENSIONS = [
    Dimension(
        "service_type",
        _("Service type"),
        "category",
        tuple(r.ServiceType.choices),
        sources=("referrals",),
    ),
    Dimension(
        "referral_outcome",
        _("Referral status"),
        "outcome",
        tuple(r.ReferralStatus.choices),
        sources=("referrals",),
    ),
    Dimension(
        "barrier",
        _("Barrier"),
        "reason",
        (*r.Barrier.choices, ("", _("Not recorded"))),
        sources=("referrals",),
    ),
    Dimension(
        "care_type", _("Type of care"), "category", tuple(k.CareType.choices), sources=("care",)
    ),
    Dimension(
        "request_type",
        _("Type of cross-border request"),
        "category",
        tuple((t.code, t.label) for t in REQUEST_TYPES),
        sources=("exchange",),
    ),
    Dimension(
        "direction",
        _("Direction"),
        "direction",
        tuple(CrossBorderRequest.Direction.choices),
        sources=("exchange",),
    ),
    Dimension(
        "separation_cause",
        _("Cause of separation"),
        "category",
        tuple(tc.SeparationCause.choices),
        sources=("tracing",),
    ),
    Dimension(
        "tracing_outcome",
        _("Outcome of tracing"),
        "outcome",
        ((OPEN, _("Still sought")), *tc.RequestOutcome.choices),
        sources=("tracing",),
    ),
]
for _dim in DOMAIN_DIMENSIONS:
    ind.DIMENSIONS.setdefault(_dim.code, _dim)

# ----------------------------------------------------------------------- conditions

DECLINED = (r.ReferralStatus.REJECTED, r.ReferralStatus.NOT_IMPLEMENTED)
# Alternative care: formal and informal care outside the parents, not detention (rule 39).
ALTERNATIVE = tuple(
    code for code in k.CareType.values if code not in (k.CareType.PARENTAL, k.CareType.DETENTION)
)
HAPPENED = (k.PlacementStatus.ACTIVE, k.PlacementStatus.ENDED)


def _started(p: Period) -> Q:
    return Q(started_on__gte=p.start, started_on__lte=p.end)


def _changed(p: Period) -> Q:
    return Q(changed_on__gte=p.start, changed_on__lte=p.end)


def _in_care_at_end(p: Period) -> Q:
    return (
        Q(outcome__in=HAPPENED, started_on__lte=p.end)
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=p.end))
        & ~Q(outcome=k.PlacementStatus.ENDED, ended_on__isnull=True)
    )


def _during(p: Period) -> Q:
    return Q(outcome__in=HAPPENED, started_on__lte=p.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=p.start)
    )


REGISTERED = [
    Indicator(
        "referrals_made",
        _("Referrals to services"),
        _("Referrals made during the period, by service type and their status today."),
        _started,
        hxl="#activity+referrals",
        source="referrals",
        domain="referrals",
        breakdowns=("service_type", "referral_outcome"),
    ),
    Indicator(
        "referrals_completed",
        _("Referrals completed"),
        _("Referrals whose service was delivered (implemented) during the period."),
        lambda p: _changed(p) & Q(outcome=r.ReferralStatus.IMPLEMENTED),
        hxl="#activity+referrals+completed",
        source="referrals",
        domain="referrals",
        breakdowns=("service_type",),
    ),
    Indicator(
        "referrals_declined",
        _("Referrals declined or not implemented (barriers to services)"),
        _(
            "Referrals the service declined, or accepted but did not implement, during the "
            "period, by service type and by the barrier recorded (legal, documents, cost, "
            "language, information, capacity ...): the barriers to services."
        ),
        lambda p: _changed(p) & Q(outcome__in=DECLINED),
        hxl="#activity+referrals+declined",
        source="referrals",
        domain="referrals",
        breakdowns=("service_type", "barrier", "referral_outcome"),
    ),
    Indicator(
        "children_in_alternative_care",
        _("Children in alternative care"),
        _(
            "Placements in alternative care (any type except parental care and detention) "
            "current at the end of the period, by type of care; age at the placement."
        ),
        lambda p: _in_care_at_end(p) & Q(category__in=ALTERNATIVE),
        hxl="#affected+children+alternative_care",
        source="care",
        domain="care",
        breakdowns=("care_type",),
    ),
    Indicator(
        "under3_residential",
        _("Children under 3 in residential care"),
        _(
            "Placements in residential care (small-group or institutional) current at the end "
            "of the period of children placed before their third birthday. Shown on its own: "
            "children under 3 should be in family-based care."
        ),
        lambda p: _in_care_at_end(p) & Q(category__in=tuple(k.RESIDENTIAL), age__lt=3),
        hxl="#affected+children+residential+under3",
        source="care",
        domain="care",
        breakdowns=("care_type",),
    ),
    Indicator(
        "immigration_detention",
        _("Children in immigration detention"),
        _(
            "Children held in immigration detention or a closed facility at any time during "
            "the period. The target is zero. A sensitive category: cells need the higher "
            "minimum."
        ),
        lambda p: _during(p) & Q(category=k.CareType.DETENTION),
        sensitive=True,
        hxl="#affected+children+detained",
        source="care",
        domain="care",
        breakdowns=("nationality", "protection_status"),
    ),
    Indicator(
        "crossborder_requests",
        _("Cross-border requests"),
        _(
            "Cross-border requests sent or received during the period, by type and direction "
            "(drafts and requests never sent are not counted)."
        ),
        _started,
        hxl="#activity+crossborder",
        source="exchange",
        domain="exchange",
        breakdowns=("request_type", "direction"),
    ),
    Indicator(
        "crossborder_days_to_response",
        _("Response time to cross-border requests"),
        _(
            "Median days from sending (or receiving) a cross-border request to the response, "
            "for requests sent or received during the period that have a response."
        ),
        _started,
        kind="median",
        value_field="duration",
        unit=_("days"),
        hxl="#indicator+days+median",
        source="exchange",
        domain="exchange",
        breakdowns=("request_type", "direction"),
    ),
]
REGISTERED += [
    Indicator(
        "tracing_requests_opened",
        _("Children sought in tracing requests"),
        _(
            "Children sought in tracing requests made during the period (a request may seek "
            "several children), by cause of separation and the outcome of tracing today. A child "
            "matched to a case counts with that case's consent; until then with the enquirer's "
            "agreement to be counted."
        ),
        _started,
        hxl="#activity+tracing+requests",
        source="tracing",
        domain="tracing",
        breakdowns=("separation_cause", "tracing_outcome"),
    ),
    Indicator(
        "tracing_requests_resolved",
        _("Tracing requests resolved"),
        _(
            "Children sought whose tracing ended during the period: found (a match confirmed "
            "by a caseworker) or the request closed without finding them, by outcome."
        ),
        lambda p: _changed(p) & ~Q(outcome=OPEN),
        hxl="#activity+tracing+resolved",
        source="tracing",
        domain="tracing",
        breakdowns=("tracing_outcome", "separation_cause"),
    ),
    Indicator(
        "days_to_child_found",
        _("Time from tracing request to finding the child"),
        _(
            "Median days from the tracing request to the confirmed match, for children found "
            "during the period."
        ),
        lambda p: _changed(p) & Q(outcome=tc.RequestOutcome.FOUND),
        kind="median",
        value_field="duration",
        unit=_("days"),
        hxl="#indicator+days+median",
        source="tracing",
        domain="tracing",
        breakdowns=("separation_cause",),
    ),
]
for _indicator in REGISTERED:
    if _indicator.code not in ind.REGISTRY:
        register(_indicator)
