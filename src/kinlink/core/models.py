"""Base model, scoped querysets, the audit log and the SOP profile."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnscopedQueryError(RuntimeError):
    """A query on child data was evaluated without ``.restrict(user, action)``."""


class RestrictedQuerySet(models.QuerySet):
    """A queryset that refuses to run until it has been scoped to a user.

    ``.restrict(user, action)`` applies the model's ``scope_filter`` for that user; ``.system(
    reason)`` marks a deliberate system-wide read (matching, statistics, scheduled rules).
    Querysets reached through an already-loaded object (``case.assessments.all()``) inherit
    the parent's scope and are allowed.
    """

    _kinlink_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._kinlink_scoped = self._kinlink_scoped
        return clone

    def restrict(self, user, action: str = "view"):
        scope = self.model.scope_filter(user, action)
        qs = self._clone()
        qs = qs.none() if scope is None else qs.filter(scope)
        qs._kinlink_scoped = True
        return qs

    def system(self, reason: str):
        if not reason:
            raise ValueError("a system-wide read needs a reason")
        qs = self._clone()
        qs._kinlink_scoped = True
        return qs

    def _check_scoped(self):
        if (
            not self._kinlink_scoped
            and not self._hints.get("instance")
            and getattr(settings, "KINLINK_ENFORCE_SCOPED_QUERIES", True)
        ):
            raise UnscopedQueryError(
                f"{self.model.__name__} queried without .restrict(user, action) or .system()"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scoped()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._check_scoped()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scoped()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scoped()
        return super().aggregate(*args, **kwargs)


class KinlinkModel(models.Model):
    """UUID primary key (records move between nodes) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit trail.

    ``entry_hash`` = SHA-256 over the previous entry's hash and this entry's canonical JSON, so
    editing, inserting or deleting any entry breaks every hash after it (``kinlink audit
    verify``). Database triggers refuse UPDATE and DELETE on the table.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        PRINT = "print", _("printed")
        DISCLOSE = "disclose", _("disclosed")
        APPROVE = "approve", _("approved")
        REJECT = "reject", _("rejected")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("login failed")
        LOGOUT = "logout", _("logged out")
        SEARCH = "search", _("searched")
        ACCESS_DENIED = "denied", _("access denied")
        KEY_ROTATION = "key_rotation", _("rotated keys")

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    GENESIS = "0" * 64

    def canonical(self) -> str:
        payload = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": str(self.actor_id) if self.actor_id else None,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "case_id": str(self.case_id) if self.case_id else None,
            "detail": self.detail,
            "channel": self.channel,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "path": self.path,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode("utf-8")).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent writers keep one chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=AuditEvent.GENESIS)


class SopProfile(KinlinkModel):
    """Every deadline, threshold and age band of a deployment's standard operating procedures.

    Defaults come from DOMAIN.md (CPWG 2014 guidelines via FutureLearn, Primero settings) and
    are meant to be contextualised per country; exactly one profile is active.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=False)
    # Rule 1: assignment after registration.
    assign_hours_high = models.PositiveIntegerField(default=1)
    assign_hours_other = models.PositiveIntegerField(default=3)
    # Rule 2: initial assessment.
    initial_assessment_hours_high = models.PositiveIntegerField(default=24)
    initial_assessment_hours_other = models.PositiveIntegerField(default=72)
    initial_assessment_hard_limit_hours = models.PositiveIntegerField(default=48)
    # Rule 3: comprehensive assessment.
    comprehensive_assessment_days_high = models.PositiveIntegerField(default=14)
    comprehensive_assessment_days_medium = models.PositiveIntegerField(default=14)
    comprehensive_assessment_days_low = models.PositiveIntegerField(default=30)
    # Rule 4: case plan after comprehensive assessment.
    case_plan_days = models.PositiveIntegerField(default=7)
    # Rule 5: case plan review.
    case_plan_review_days_high = models.PositiveIntegerField(default=30)
    case_plan_review_days_other = models.PositiveIntegerField(default=90)
    # Rule 8: follow-up frequency.
    followup_days_high = models.PositiveIntegerField(default=7)
    followup_days_medium = models.PositiveIntegerField(default=14)
    followup_days_low = models.PositiveIntegerField(default=30)
    # Rule 11: caseload, weighted by risk. DOMAIN.md: limits of about 15-25 active cases,
    # lower where many are high risk; a high-risk case weighs 25/15, so that 15 high-risk
    # cases reach the default limit of 25.
    caseload_limit = models.PositiveIntegerField(default=25)
    caseload_weight_high = models.FloatField(default=1.67)
    caseload_weight_medium = models.FloatField(default=1.0)
    caseload_weight_low = models.FloatField(default=1.0)
    caseload_weight_not_assessed = models.FloatField(default=1.0)
    # Rule 12: consent age bands (lower bounds of the 6–11, 12–14 and 15–17 bands).
    assent_from_age = models.PositiveSmallIntegerField(default=6)
    joint_consent_from_age = models.PositiveSmallIntegerField(default=12)
    child_consent_from_age = models.PositiveSmallIntegerField(default=15)
    age_of_majority = models.PositiveSmallIntegerField(default=18)
    # Family tracing (rules 21 and 26).
    first_tracing_action_hours = models.PositiveIntegerField(default=48)
    reunification_first_followup_days = models.PositiveIntegerField(default=30)
    reunification_min_followups = models.PositiveSmallIntegerField(default=2)
    reunification_min_monitoring_days = models.PositiveIntegerField(default=90)
    # Services, care and alerts (rules 7, 27, 34, 35, 40).
    referral_stale_days = models.PositiveIntegerField(default=14)
    under3_age = models.PositiveSmallIntegerField(default=3)
    under3_residential_max_days = models.PositiveIntegerField(default=182)
    placement_review_days = models.PositiveIntegerField(default=90)
    guardian_appointment_days = models.PositiveIntegerField(default=30)
    tracing_period_before_adoption_days = models.PositiveIntegerField(default=730)
    # Statistics and disclosure control (rules 45–48).
    stats_age_bands = models.CharField(max_length=100, default="0-4,5-9,10-14,15-17")
    stats_min_cell = models.PositiveSmallIntegerField(default=5)
    stats_min_cell_sensitive = models.PositiveSmallIntegerField(default=10)
    stats_rounding_base = models.PositiveSmallIntegerField(
        default=0, help_text="0 for no rounding, else e.g. 5"
    )
    stats_k_anonymity = models.PositiveSmallIntegerField(default=5)
    stats_min_admin_level = models.PositiveSmallIntegerField(default=1)
    # Cross-border requests (rule 43).
    xb_acknowledge_days = models.PositiveIntegerField(default=5)
    xb_urgent_acknowledge_hours = models.PositiveIntegerField(default=48)
    xb_reply_days = models.PositiveIntegerField(default=30)
    xb_social_enquiry_days = models.PositiveIntegerField(default=84)
    xb_danger_alert_hours = models.PositiveIntegerField(default=24)
    # The working week (ISO weekdays, 1 = Monday) for deadlines counted in working days;
    # public holidays are PublicHoliday rows.
    working_weekdays = models.CharField(
        max_length=20,
        default="1,2,3,4,5",
        help_text="ISO weekdays, 1 = Monday … 7 = Sunday, e.g. 1,2,3,4,5 or 7,1,2,3,4",
    )
    # Which steps need supervisor approval before the case advances (rule 9).
    approve_assessments = models.BooleanField(default=True)
    approve_case_plans = models.BooleanField(default=True)
    approve_closures = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("SOP profile")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> SopProfile:
        profile = cls.objects.filter(active=True).first()
        if profile is None:
            profile, _created = cls.objects.get_or_create(
                name="Default (DOMAIN.md)", defaults={"active": True}
            )
        return profile


class PublicHoliday(KinlinkModel):
    """A public holiday of the deployment: not a working day for deadlines counted in
    working days (rule 43)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class PeriodicRun(models.Model):
    """When a periodic job last ran (see kinlink.core.scheduler)."""

    name = models.CharField(max_length=100, primary_key=True)
    last_run_at = models.DateTimeField(null=True)
