"""Lookups of family tracing and reunification (DOMAIN.md sections 2.4–2.8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TraceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "tracing_in_progress", _("Tracing in progress")
    MATCHED = "matched", _("Match confirmed")
    VERIFIED = "verified", _("Verified")
    REUNIFIED = "reunified", _("Reunified")
    CLOSED = "closed", _("Closed")


class RequestOutcome(models.TextChoices):
    """Why a tracing request was closed (the statistics count requests resolved by outcome)."""

    FOUND = "found", _("The child was found")
    NOT_FOUND = "not_found", _("Tracing exhausted: the child was not found")
    WITHDRAWN = "withdrawn", _("The enquirer withdrew the request")
    TRANSFERRED = "transferred", _("Passed to another organisation")
    OTHER = "other", _("Other")


class EnquirerRelationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    AGENCY = "agency", _("Agency")
    OTHER = "other", _("Other")


class SeparationCause(models.TextChoices):
    CONFLICT = "conflict", _("Conflict")
    MIGRATION = "migration", _("Migration or population movement")
    LABOUR_MIGRATION = "labour_migration", _("Parents working abroad")
    DETENTION = "detention", _("Arrest or detention")
    ABANDONMENT = "abandonment", _("Abandonment")
    DEATH = "death", _("Death of caregiver")
    FAMILY_VIOLENCE = "family_violence", _("Family violence")
    TRAFFICKING = "trafficking", _("Trafficking or smuggling")
    DISASTER = "disaster", _("Natural disaster")
    ENTRUSTED = "entrusted", _("Entrusted to another person")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class TracingMethod(models.TextChoices):
    CASE_BY_CASE = "case_by_case", _("Case-by-case tracing")
    INDIVIDUAL = "individual", _("Individual tracing (visits, calls, enquiries)")
    MASS = "mass", _("Mass tracing (lists, announcements)")
    PHOTO = "photo", _("Photo tracing")
    DATABASE = "database", _("Database matching")
    RFL = "rfl", _("Referral to Red Cross / Red Crescent (RFL)")
    NGO = "ngo", _("Referral to an NGO")
    CROSS_BORDER = "cross_border", _("Cross-border request")
    MEDIATION = "mediation", _("Mediation")
    PHONE = "phone", _("Telephone")


class ActionOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCESSFUL = "successful", _("Successful")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")


class MatchState(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Confirmed by a caseworker")
    REJECTED = "rejected", _("Rejected by a caseworker")


class Likelihood(models.TextChoices):
    LIKELY = "likely", _("Likely")
    POSSIBLE = "possible", _("Possible")


class DisclosureState(models.TextChoices):
    NOT_REQUESTED = "", _("Not requested")
    REQUESTED = "requested", _("Requested from the case owner")
    AGREED = "agreed", _("Case owner agreed to disclose")
    REFUSED = "refused", _("Case owner refused")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    UNVERIFIED = "unverified", _("Could not be verified")
    FALSELY_ATTRIBUTED = "falsely_attributed", _("Falsely attributed")
    REJECTED = "rejected", _("Rejected")


class Recommendation(models.TextChoices):
    REUNIFY = "reunify", _("Reunification")
    REUNIFY_WITH_SUPPORT = "reunify_with_support", _("Reunification with enhanced support")
    FURTHER_TRACING = "further_tracing", _("Further tracing")
    LONG_TERM_CARE = "long_term_alternative_care", _("Long-term alternative care")
    NO = "no", _("Do not reunify")


class ReunificationType(models.TextChoices):
    CASE_BY_CASE = "case_by_case", _("Case by case")
    SPONTANEOUS = "spontaneous", _("Spontaneous")
    MASS_TRACING = "mass_tracing", _("Mass tracing")
    MEDIATION = "mediation", _("Mediation")
    PHOTO_TRACING = "photo_tracing", _("Photo tracing")
    CROSS_BORDER = "cross_border", _("Cross-border")
    OTHER = "other", _("Other")


class DuplicateState(models.TextChoices):
    PENDING = "pending", _("To review")
    DUPLICATE = "duplicate", _("Same child: marked duplicate")
    DISTINCT = "distinct", _("Different children")
