"""Lookups of alternative care and best-interests procedures (DOMAIN.md sections 3, 4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareType(models.TextChoices):
    PARENTAL = "parental", _("Parental care")
    KINSHIP = "kinship", _("Kinship care")
    FOSTER = "foster", _("Foster care")
    OTHER_FAMILY = "other_family_based", _("Other family-based care")
    KAFALA = "kafala", _("Kafala")
    RESIDENTIAL_SMALL = "residential_small_group", _("Small-group residential care")
    RESIDENTIAL_INSTITUTION = "residential_institution", _("Institutional residential care")
    INDEPENDENT_LIVING = "supervised_independent_living", _("Supervised independent living")
    CHILD_HEADED = "child_headed_household", _("Child-headed household")
    UNRELATED_ADULT = "unrelated_adult", _("Unrelated adult (informal)")
    DETENTION = "immigration_detention", _("Immigration detention or closed facility")


RESIDENTIAL = {CareType.RESIDENTIAL_SMALL, CareType.RESIDENTIAL_INSTITUTION}
# Always formal alternative care (gatekeeping, reviews); kinship care is formal when recorded so.
ALWAYS_FORMAL = {
    CareType.FOSTER,
    CareType.OTHER_FAMILY,
    CareType.KAFALA,
    CareType.RESIDENTIAL_SMALL,
    CareType.RESIDENTIAL_INSTITUTION,
    CareType.INDEPENDENT_LIVING,
}
NEVER_FORMAL = {
    CareType.PARENTAL,
    CareType.CHILD_HEADED,
    CareType.UNRELATED_ADULT,
    CareType.DETENTION,
}


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    REJECTED = "rejected", _("Not approved")


class Siblings(models.TextChoices):
    NONE = "none", _("No siblings in care")
    TOGETHER = "together", _("Placed together with siblings")
    APART = "apart", _("Placed apart from siblings")


class PlacementReason(models.TextChoices):
    PROTECTION = "protection", _("Protection from harm")
    NO_CAREGIVER = "no_caregiver", _("No caregiver available")
    FAMILY_UNITY = "family_unity", _("To keep the family together")
    SEPARATION_AGAINST_WILL = (
        "separation_against_will",
        _("Separation from the parents against their will"),
    )
    OTHER = "other", _("Other")


class DecidingBody(models.TextChoices):
    COMMISSION = "commission", _("Multidisciplinary gatekeeping commission")
    COURT = "court", _("Court")
    AUTHORITY = "authority", _("Guardianship or child protection authority")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Placement approved")
    REJECTED = "rejected", _("Placement refused")


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue the placement")
    CHANGE = "change", _("Change the placement")
    END = "end", _("End the placement (reintegration or another solution)")


class Alternative(models.TextChoices):
    FAMILY_SUPPORT = "family_support", _("Support to the family")
    KINSHIP = "kinship", _("Kinship care")
    FOSTER = "foster", _("Foster care")
    OTHER_FAMILY = "other_family_based", _("Other family-based care")


class BipKind(models.TextChoices):
    BIA_SHORT = "bia_short", _("Best interests assessment (short)")
    BIA_COMPREHENSIVE = "bia_comprehensive", _("Best interests assessment (comprehensive)")
    BID = "bid", _("Best interests determination")
    BID_REVIEW = "bid_review", _("BID review")


BIA_KINDS = {BipKind.BIA_SHORT, BipKind.BIA_COMPREHENSIVE}


class BipTrigger(models.TextChoices):
    DURABLE_SOLUTION = (
        "durable_solution",
        _("Durable solution for an unaccompanied or separated child"),
    )
    SEPARATION = "separation_against_will", _("Separation from the parents against their will")
    TEMPORARY_CARE = "temporary_care", _("Temporary care in exceptional circumstances")
    RESETTLEMENT_ONE_PARENT = "resettlement_one_parent", _("Resettlement with one parent")
    ADOPTION = "adoption", _("Adoption or permanent placement")
    OTHER = "other", _("Other")


class BipStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")
    REOPENED = "reopened", _("Reopened (superseded by a new BID)")


class SolutionKind(models.TextChoices):
    REUNIFICATION_IN_COUNTRY = "reunification_in_country", _("Family reunification in the country")
    REUNIFICATION_THIRD = (
        "reunification_third_country",
        _("Family reunification in a third country"),
    )
    REPATRIATION = "voluntary_repatriation", _("Voluntary repatriation")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    RESETTLEMENT = "resettlement", _("Resettlement")
    ADOPTION = "adoption", _("Adoption or permanent placement")


# Durable solutions a UASC may not reach without a BID (rule 28).
NEEDS_BID = {
    SolutionKind.REUNIFICATION_THIRD,
    SolutionKind.REPATRIATION,
    SolutionKind.LOCAL_INTEGRATION,
    SolutionKind.RESETTLEMENT,
    SolutionKind.ADOPTION,
}


class SolutionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    IMPLEMENTED = "implemented", _("Implemented")
    FAILED = "failed", _("Did not happen")
