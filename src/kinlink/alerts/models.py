"""Alerts: a rule of DOMAIN.md that a case currently breaks. Raised and cleared by the engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import Scope, case_scope
from kinlink.cases.models import ScopedModel, case_scope_q


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    WARNING = "warning", _("Warning")


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.WARNING: 2}


def person_scope_q(user, action: str, prefix: str = "subject_user__") -> Q | None:
    """Alerts about a person (rule 11, caseload) follow the same scopes as cases, applied to
    the person: a supervisor sees their office's staff, a manager the agency's (or the
    country's, with national oversight), a caseworker only themselves."""
    scope = case_scope(user, action)
    if scope == Scope.OWN:
        return Q(**{f"{prefix}pk": user.pk})
    if scope == Scope.OFFICE and user.office_id:
        return Q(**{f"{prefix}office_id": user.office_id})
    if scope == Scope.AGENCY and user.agency_id:
        return Q(**{f"{prefix}agency_id": user.agency_id})
    if scope == Scope.NATIONAL and user.agency_id:
        return Q(**{f"{prefix}agency__country": user.agency.country})
    return None


# Alerts about neither a case nor a person: a cross-border request of this node that has no
# local case yet (rule 43 on the receiving side), seen by the node's coordinators.
NODE_SUBJECTS = ("exchange.crossborderrequest",)


class Alert(ScopedModel):
    """An open (or cleared) alert about a case, or — with no case — about a person
    (``subject_user``: a caseworker over the caseload limit, rule 11), or about this node's
    cross-border inbox (neither: coordinators see these)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    rule = models.PositiveSmallIntegerField(_("rule"))
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    # One open alert per situation: "<kind>:<subject id>".
    key = models.CharField(max_length=120)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    since = models.DateTimeField(_("since"))
    raised_at = models.DateTimeField(_("raised"))
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    fix_url = models.CharField(max_length=300)

    class Meta:
        ordering = ["since", "raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(cleared_at__isnull=True), name="one_open_alert_per_key"
            )
        ]
        indexes = [models.Index(fields=["cleared_at", "rule", "severity"])]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        from kinlink.accounts.roles import can

        by_case = case_scope_q(user, action, "case__")
        by_person = person_scope_q(user, action)
        if by_person is not None:
            by_person &= Q(case__isnull=True)
        parts = [q for q in (by_case, by_person) if q is not None]
        if action == "view" and can(user, "exchange"):
            parts.append(
                Q(case__isnull=True, subject_user__isnull=True, subject_type__in=NODE_SUBJECTS)
            )
        if not parts:
            return None
        out = parts[0]
        for q in parts[1:]:
            out |= q
        return out

    @property
    def spec(self):
        from .kinds import KINDS

        return KINDS[self.kind]

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def fix_label(self) -> str:
        return str(self.spec.fix)

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
