"""The indicator registry (DOMAIN.md 6.2) and the disaggregation dimensions (6.3).

An indicator says which records it counts (a filter on a fact table, for a period), whether it
is a count or a median of a duration, whether its category is sensitive (a higher minimum cell),
its HXL hashtag and its definition for readers. Other domains (referrals, care, exchange) add
theirs with ``register(Indicator(...))`` from their app's ``ready()``; an indicator over a new
kind of record names its fact ``source`` (see ``engine.SOURCES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kinlink.cases import choices as c


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class Indicator:
    code: str
    title: Promise
    definition: Promise
    condition: Callable[[Period], Q]
    kind: str = "count"  # "count" or "median"
    value_field: str = ""  # for medians: the fact field holding the duration
    unit: Promise | str = ""
    sensitive: bool = False
    hxl: str = "#affected+children"
    source: str = "cases"
    breakdowns: tuple[str, ...] = field(default=())  # suggested one-way breakdowns
    domain: str = "cases"


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in REGISTRY:
        raise ValueError(f"indicator {indicator.code} is already registered")
    REGISTRY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    return REGISTRY[code]


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Promise
    field: str
    choices: tuple = ()  # fixed categories (code, label); empty: the values found
    hxl: str = ""
    sources: tuple[str, ...] = ()  # the fact sources that have this field; empty: all


UNKNOWN = _("Unknown")

# Breakdowns of a one-way table (the two-way table is always age band x sex, rule 45).
DIMENSIONS: dict[str, Dimension] = {
    d.code: d
    for d in [
        Dimension("nationality", _("Nationality"), "nationality"),
        Dimension(
            "migratory_status",
            _("Migratory status"),
            "migratory_status",
            tuple(c.MigratoryStatus.choices),
        ),
        Dimension(
            "protection_status",
            _("Protection status"),
            "protection_status",
            tuple(c.ProtectionStatus.choices),
        ),
        Dimension("disability", _("Disability"), "disability", tuple(c.Disability.choices)),
        Dimension("area", _("Area"), "area"),
        Dimension("stage", _("Stage"), "stage", tuple(c.Stage.choices)),
        Dimension("risk_level", _("Risk level"), "risk_level", tuple(c.RiskLevel.choices)),
    ]
}
SEX = tuple(c.Sex.choices)


def age_bands(spec: str) -> list[tuple[int, int, str]]:
    """'0-4,5-9,10-14,15-17' -> [(0, 4, '0-4'), ...]; refuses overlapping or bad bands."""
    bands = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        lo, sep, hi = part.partition("-")
        if not sep or not lo.isdigit() or not hi.isdigit() or int(lo) > int(hi):
            raise ValueError(f"bad age band {part!r}")
        bands.append((int(lo), int(hi), f"{int(lo)}-{int(hi)}"))
    bands.sort()
    for (_lo1, hi1, _l1), (lo2, _hi2, _l2) in zip(bands, bands[1:], strict=False):
        if lo2 <= hi1:
            raise ValueError("age bands overlap")
    if not bands:
        raise ValueError("no age bands")
    return bands


# ----------------------------------------------------------------------- case indicators


def _registered(p: Period) -> Q:
    return Q(registered_on__gte=p.start, registered_on__lte=p.end)


def _open_at_end(p: Period) -> Q:
    return Q(registered_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=p.end))


def _identified(p: Period) -> Q:
    return Q(identified_at__date__gte=p.start, identified_at__date__lte=p.end)


def _reunified(p: Period) -> Q:
    return Q(reunified_on__gte=p.start, reunified_on__lte=p.end)


register(
    Indicator(
        "children_registered",
        _("Children identified and registered"),
        _("Children whose case was registered during the period (age at registration)."),
        _registered,
        hxl="#affected+children+registered",
        breakdowns=("nationality", "migratory_status", "protection_status", "disability"),
    )
)
register(
    Indicator(
        "cases_open",
        _("Open cases by stage and risk level"),
        _(
            "Cases open at the end of the period, with the stage and risk level they have at "
            "the last refresh of the figures."
        ),
        _open_at_end,
        hxl="#affected+children+open",
        breakdowns=("stage", "risk_level", "protection_status"),
    )
)
register(
    Indicator(
        "hours_to_first_assessment",
        _("Time from identification to first assessment"),
        _(
            "Median hours from identification to the completion of the initial assessment, "
            "for children identified during the period whose assessment is complete."
        ),
        _identified,
        kind="median",
        value_field="hours_to_first_assessment",
        unit=_("hours"),
        hxl="#indicator+hours+median",
        breakdowns=("protection_status",),
    )
)
register(
    Indicator(
        "days_to_case_plan",
        _("Time from identification to case plan"),
        _(
            "Median days from identification to the approval of the first case plan, for "
            "children identified during the period who have an approved plan."
        ),
        _identified,
        kind="median",
        value_field="days_to_case_plan",
        unit=_("days"),
        hxl="#indicator+days+median",
        breakdowns=("protection_status",),
    )
)
register(
    Indicator(
        "reunifications",
        _("Children reunified with family"),
        _("Children whose reunification took place during the period."),
        _reunified,
        hxl="#affected+children+reunified",
        breakdowns=("protection_status", "nationality"),
    )
)
register(
    Indicator(
        "days_to_reunification",
        _("Time from separation to reunification"),
        _(
            "Median days from the date of separation to the date of reunification, for "
            "reunifications during the period where the date of separation is known."
        ),
        _reunified,
        kind="median",
        value_field="days_to_reunification",
        unit=_("days"),
        hxl="#indicator+days+median",
    )
)
register(
    Indicator(
        "statelessness_risk",
        _("Children at risk of statelessness"),
        _("Children with an open case at the end of the period flagged at risk of statelessness."),
        lambda p: _open_at_end(p) & Q(statelessness_risk=True),
        hxl="#affected+children+stateless_risk",
        breakdowns=("nationality", "migratory_status"),
    )
)
register(
    Indicator(
        "birth_not_registered",
        _("Children without birth registration"),
        _("Children with an open case at the end of the period whose birth is not registered."),
        lambda p: _open_at_end(p) & Q(birth_registration=c.BirthRegistration.NOT_REGISTERED),
        hxl="#affected+children+no_birth_registration",
        breakdowns=("nationality", "migratory_status"),
    )
)
