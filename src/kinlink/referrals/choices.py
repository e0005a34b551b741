from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("Education")
    LEGAL_AID = "legal_aid", _("Legal aid")
    BIRTH_REGISTRATION = "birth_registration", _("Birth registration and documents")
    SHELTER = "shelter", _("Shelter")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    BASIC_NEEDS = "basic_needs", _("Food, cash and basic needs")
    OTHER = "other", _("Other")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")
    MIXED = "mixed", _("Free for some")


class Timeframe(models.TextChoices):
    H1 = "1h", _("Within 1 hour")
    H3 = "3h", _("Within 3 hours")
    D1 = "1d", _("Within 1 day")
    D3 = "3d", _("Within 3 days")
    APPOINTMENT = "appointment", _("Appointment")


TIMEFRAME_HOURS = {"1h": 1, "3h": 3, "1d": 24, "3d": 72}


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")


OPEN_STATUSES = {ReferralStatus.REFERRED, ReferralStatus.ACCEPTED}
NEXT = {
    ReferralStatus.REFERRED: {ReferralStatus.ACCEPTED, ReferralStatus.REJECTED},
    ReferralStatus.ACCEPTED: {ReferralStatus.IMPLEMENTED, ReferralStatus.NOT_IMPLEMENTED},
}
NEEDS_REASON = {ReferralStatus.REJECTED, ReferralStatus.NOT_IMPLEMENTED}


class Barrier(models.TextChoices):
    """What kept a child from a service (a referral rejected or not implemented), coded so that
    the barriers can be counted (DOMAIN.md 6.2 and the city profile's gaps: legal, financial,
    language, information, capacity); the free-text reason stays beside it."""

    LEGAL = "legal", _("Legal or residence status")
    DOCUMENTS = "documents", _("Missing identity or birth documents")
    FINANCIAL = "financial", _("Cost or fees")
    LANGUAGE = "language", _("Language")
    INFORMATION = "information", _("The family did not know or was not informed")
    CAPACITY = "capacity", _("No place, or a waiting list")
    ELIGIBILITY = "eligibility", _("Not eligible for the service")
    ACCESS = "access", _("Distance, transport or disability access")
    DECLINED = "declined", _("The child or family declined")
    OTHER = "other", _("Other")


# What a referral may share with the provider (only with consent to share).
class SharedField(models.TextChoices):
    NAME = "name", _("The child's name")
    AGE = "age", _("Age")
    SEX = "sex", _("Sex")
    LANGUAGES = "languages", _("Languages")
    LEGAL_STATUS = "legal_status", _("Legal status")
    NEEDS = "needs", _("What the child needs from the service")


class AdminLevel(models.IntegerChoices):
    ADMIN1 = 1, _("Region (admin 1)")
    ADMIN2 = 2, _("District or city (admin 2)")
    ADMIN3 = 3, _("Municipality or neighbourhood (admin 3)")
