"""Every kind of alert: the DOMAIN.md rule it enforces, its severity, what fixes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .models import Severity

# Rules Kinlink adds to DOMAIN.md's table are numbered from 101 (docs/rules.md).
STATELESSNESS_RULE = 101


@dataclass(frozen=True)
class Kind:
    rule: int
    label: object
    fix: object
    severity: str


KINDS: dict[str, Kind] = {
    "unassigned": Kind(1, _("Case not assigned in time"), _("Assign the case"), Severity.HIGH),
    "initial_assessment_overdue": Kind(
        2, _("Initial assessment overdue"), _("Complete the initial assessment"), Severity.HIGH
    ),
    "comprehensive_assessment_overdue": Kind(
        3,
        _("Comprehensive assessment overdue"),
        _("Complete the comprehensive assessment"),
        Severity.WARNING,
    ),
    "case_plan_overdue": Kind(
        4, _("Case plan overdue"), _("Write the case plan"), Severity.WARNING
    ),
    "plan_review_overdue": Kind(
        5, _("Case plan review overdue"), _("Review the case plan"), Severity.WARNING
    ),
    "referral_overdue": Kind(
        6, _("Referral past its timeframe"), _("Follow up the referral"), Severity.HIGH
    ),
    "referral_stale": Kind(
        7, _("Referral without an update"), _("Follow up the referral"), Severity.WARNING
    ),
    # A Kinlink addition (DOMAIN.md has no rule number for it): numbered 101 on the board.
    "statelessness_risk": Kind(
        STATELESSNESS_RULE,
        _("Undocumented child without a legal aid or birth registration referral"),
        _("Refer to legal aid or birth registration"),
        Severity.HIGH,
    ),
    "followup_overdue": Kind(
        8, _("Follow-up visit overdue"), _("Visit the child"), Severity.WARNING
    ),
    "caseload": Kind(
        11,
        _("Caseworker above the caseload limit"),
        _("Reassign some of their cases"),
        Severity.HIGH,
    ),
    "bid_review_due": Kind(32, _("BID review due"), _("Review the BID"), Severity.WARNING),
    "under3_residential": Kind(
        34,
        _("Child under 3 in residential care"),
        _("Record the gatekeeping review"),
        Severity.HIGH,
    ),
    "under3_residential_overdue": Kind(
        34,
        _("Child under 3 in residential care beyond the allowed stay"),
        _("Move the child to family-based care"),
        Severity.CRITICAL,
    ),
    "placement_review_overdue": Kind(
        35, _("Placement review overdue"), _("Review the placement"), Severity.HIGH
    ),
    "siblings_apart": Kind(
        37,
        _("Siblings placed apart without a reason"),
        _("Record why the siblings are apart"),
        Severity.WARNING,
    ),
    "detention": Kind(
        38,
        _("Child in immigration detention"),
        _("Secure release to non-custodial care"),
        Severity.CRITICAL,
    ),
    "guardian_missing": Kind(
        40,
        _("Unaccompanied child without a guardian"),
        _("Record the guardian's appointment"),
        Severity.WARNING,
    ),
}


@dataclass(frozen=True)
class Finding:
    """A situation a rule evaluator found; the engine turns it into an open alert."""

    kind: str
    subject_type: str
    subject_id: str
    since: datetime
    fix_url: str
    severity: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject_id}"

    @property
    def effective_severity(self) -> str:
        return self.severity or KINDS[self.kind].severity


def _exchange_kinds() -> dict[str, Kind]:
    """Cross-border exchange (rule 43): labels translated in the exchange app's catalogue."""
    from kinlink.exchange.alert_kinds import ALERT_KINDS

    return {name: Kind(*spec) for name, spec in ALERT_KINDS.items()}


KINDS.update(_exchange_kinds())
