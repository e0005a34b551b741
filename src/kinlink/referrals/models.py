"""The service map (service points) and service referrals (DOMAIN.md 8.3, rules 6, 7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import can
from kinlink.cases.models import case_scope_q
from kinlink.core.fields import EncryptedJSONField, EncryptedTextField
from kinlink.core.models import KinlinkModel, RestrictedQuerySet

from . import choices as r


class AdminArea(KinlinkModel):
    """A unit of a country's administrative hierarchy: admin1 (region), admin2 (district or
    city), admin3 (municipality or neighbourhood), each inside its parent. Codes are unique
    within a country (e.g. the national statistics office's codes or P-codes)."""

    country = models.CharField(_("country"), max_length=2)
    level = models.PositiveSmallIntegerField(_("level"), choices=r.AdminLevel.choices)
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["country", "level", "name"]
        verbose_name = _("administrative area")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="admin_area_code_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    def chain(self) -> list[AdminArea]:
        """This area and its ancestors, admin1 first."""
        out, area = [], self
        while area is not None:
            out.append(area)
            area = area.parent
        return out[::-1]


class ServicePoint(KinlinkModel):
    """A place where a provider offers a service, with who may use it and what gets in the way."""

    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    service_type = models.CharField(_("service"), max_length=20, choices=r.ServiceType.choices)
    country = models.CharField(_("country"), max_length=2)
    admin1 = models.CharField(_("region"), max_length=100, blank=True)
    admin2 = models.CharField(_("district or city"), max_length=100, blank=True)
    admin3 = models.CharField(_("municipality or neighbourhood"), max_length=100, blank=True)
    # The place in the administrative hierarchy; admin1–3 above keep its names as text.
    area = models.ForeignKey(
        AdminArea,
        verbose_name=_("administrative area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sexes = models.JSONField(_("for sexes (empty: all)"), default=list, blank=True)
    legal_statuses = models.JSONField(
        _("for legal statuses (empty: all)"), default=list, blank=True
    )
    documents_required = models.CharField(_("documents required"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=10, choices=r.Cost.choices, default=r.Cost.FREE)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    barriers = models.CharField(_("known barriers"), max_length=500, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="service_points",
        verbose_name=_("provider staff who receive referrals"),
    )

    class Meta:
        ordering = ["country", "admin1", "admin2", "name"]
        verbose_name = _("service point")

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.admin3, self.admin2, self.admin1) if p)


class Referral(KinlinkModel):
    """A referral of a child to a service point (or another agency) from a case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    plan_action = models.ForeignKey(
        "cases.PlanAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case plan action"),
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service point"),
    )
    agency_name = models.CharField(_("or agency"), max_length=200, blank=True)
    service_type = models.CharField(_("service"), max_length=20, choices=r.ServiceType.choices)
    timeframe = models.CharField(_("timeframe"), max_length=12, choices=r.Timeframe.choices)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=r.ReferralStatus.choices,
        default=r.ReferralStatus.REFERRED,
    )
    status_changed_at = models.DateTimeField()
    status_reason = EncryptedTextField(_("reason"), blank=True)
    barrier = models.CharField(
        _("barrier"), max_length=12, choices=r.Barrier.choices, blank=True
    )  # rejected or not implemented: what kept the child from the service
    feedback = EncryptedTextField(_("feedback from the provider"), blank=True)
    consent_to_share = models.BooleanField(
        _("consent to share data with the provider"), default=False
    )
    # What the provider sees: a snapshot of the shared fields only, taken at referral time.
    shared = EncryptedJSONField(null=True, blank=True)
    reference = models.CharField(_("referral number"), max_length=40, unique=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        q = case_scope_q(user, action, "case__")
        if can(user, "receive_referrals"):
            mine = Q(service_point__users=user)
            q = mine if q is None else q | mine
        return q

    @property
    def is_open(self) -> bool:
        return self.status in r.OPEN_STATUSES
