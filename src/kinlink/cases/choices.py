"""Lookups of the case model (DOMAIN.md sections 1.6, 2.2, 2.3 and the domain model)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class ProtectionStatus(models.TextChoices):
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")
    SEPARATED = "separated", _("Separated")
    ACCOMPANIED = "accompanied", _("Accompanied")
    LEFT_BEHIND = "left_behind", _("Left behind")
    NONE = "none", _("None of these")


class MigratoryStatus(models.TextChoices):
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    TEMPORARY_PROTECTION = "temporary_protection", _("Temporary protection")
    MIGRANT_REGULAR = "migrant_regular", _("Migrant (regular)")
    MIGRANT_IRREGULAR = "migrant_irregular", _("Migrant (irregular)")
    IDP = "idp", _("Internally displaced")
    RETURNEE = "returnee", _("Returnee")
    STATELESS = "stateless", _("Stateless")
    NATIONAL = "national", _("National (not displaced)")
    UNKNOWN = "unknown", _("Unknown")


class Disability(models.TextChoices):
    NONE = "none", _("No functional difficulty")
    SOME = "some", _("Some functional difficulty")
    SEVERE = "severe", _("A lot of difficulty or cannot do")
    UNKNOWN = "unknown", _("Not assessed")


class BirthRegistration(models.TextChoices):
    REGISTERED = "registered", _("Registered, certificate held")
    REGISTERED_NO_CERT = "registered_no_certificate", _("Registered, no certificate")
    NOT_REGISTERED = "not_registered", _("Not registered")
    UNKNOWN = "unknown", _("Unknown")


class DocumentKind(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity document")
    REFUGEE_ID = "refugee_id", _("Refugee or asylum document")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    OTHER = "other", _("Other")


class NameKind(models.TextChoices):
    ALIAS = "alias", _("Other name")
    NICKNAME = "nickname", _("Nickname")
    SPELLING = "spelling", _("Other spelling")
    PREVIOUS = "previous", _("Previous name")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    STEP_PARENT = "step_parent", _("Step-parent")
    CUSTOMARY_CAREGIVER = "customary_caregiver", _("Customary caregiver")
    GUARDIAN = "guardian", _("Guardian")
    OTHER = "other", _("Other")


class AliveStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Dead")
    UNKNOWN = "unknown", _("Unknown")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    TRANSFERRED = "transferred", _("Transferred")
    DUPLICATE = "duplicate", _("Duplicate")


class Stage(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSESSMENT = "assessment", _("Assessment")
    CASE_PLAN = "case_plan", _("Case planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    FOLLOW_UP = "follow_up", _("Follow-up and review")
    CLOSURE_PENDING = "closure_pending", _("Closure pending approval")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class IdentificationSource(models.TextChoices):
    BORDER = "border", _("Border or police")
    RECEPTION = "reception", _("Reception centre")
    OUTREACH = "outreach", _("Outreach")
    SELF = "self", _("Self-referral or family")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health facility")
    AGENCY = "agency", _("Other agency")
    CROSS_BORDER = "cross_border", _("Cross-border partner")
    OTHER = "other", _("Other")


class ConsentGiver(models.TextChoices):
    CHILD = "child", _("Child")
    CAREGIVER = "caregiver", _("Parent or caregiver")
    GUARDIAN = "guardian", _("Guardian")
    OTHER_ADULT = "other_adult", _("Other trusted adult")
    CASEWORKER = "caseworker", _("Caseworker in the child's best interests")


class ConsentKind(models.TextChoices):
    CONSENT = "consent", _("Informed consent")
    ASSENT = "assent", _("Assent")


class OverrideBasis(models.TextChoices):
    NONE = "", _("No override")
    VITAL_INTEREST = "vital_interest", _("Vital interest (life-saving action)")
    BEST_INTERESTS = "best_interests", _("Child's best interests (caregiver unsafe or absent)")


class ShareWith(models.TextChoices):
    FAMILY = "family", _("Family")
    AUTHORITIES = "authorities", _("Authorities")
    UNHCR = "unhcr", _("UNHCR")
    SERVICE_PROVIDERS = "service_providers", _("Service providers")
    OTHER_ORGANISATIONS = "other_organisations", _("Other organisations")
    CROSS_BORDER = "cross_border", _("Partner agencies in other countries")


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial (rapid) assessment")
    COMPREHENSIVE = "comprehensive", _("Comprehensive assessment")


class ApprovalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned for changes")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpKind(models.TextChoices):
    VISIT = "visit", _("Monitoring visit")
    AFTER_REUNIFICATION = "after_reunification", _("After reunification")
    IN_CARE = "in_care", _("In care")
    FOR_SERVICE = "for_service", _("For a service")
    FOR_ASSESSMENT = "for_assessment", _("For assessment")
    CASE_PLAN_REVIEW = "case_plan_review", _("Case plan review")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Case plan goals achieved, risk reduced")
    REUNIFIED = "reunified_stable", _("Reunified, situation stable")
    TURNED_18 = "turned_18", _("Child turned 18 (transition plan in place)")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    RELOCATED = "relocated_lost_contact", _("Moved away or could not be located")
    DECLINED = "declined_services", _("Child or family declined services")
    REPATRIATED = "repatriated", _("Repatriated")
    DEATH = "death", _("Death of the child")
    OTHER = "other", _("Other")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")
