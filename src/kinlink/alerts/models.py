"""Alerts: a rule of DOMAIN.md that a case currently breaks. Raised and cleared by the engine."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.cases.models import ScopedModel


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    WARNING = "warning", _("Warning")


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.WARNING: 2}


class Alert(ScopedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="alerts")
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
