from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinlink.core.models import KinlinkModel

from .roles import Role


class Agency(KinlinkModel):
    """A government service or NGO running (part of) a Kinlink node."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Office(KinlinkModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=20)
    city = models.CharField(_("city"), max_length=100, blank=True)
    admin_area = models.CharField(_("administrative area"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("office")
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="office_code_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.name}"


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    national_oversight = models.BooleanField(
        _("national oversight"),
        default=False,
        help_text=_("Managers only: read every agency's cases in the country."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def country(self) -> str:
        return self.agency.country if self.agency_id else ""
