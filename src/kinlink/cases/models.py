"""Child, family, case and the parts of a case (DOMAIN.md section 1 and the domain model)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import Scope, case_scope
from kinlink.core.fields import EncryptedJSONField, EncryptedTextField
from kinlink.core.models import KinlinkModel, RestrictedQuerySet

from . import choices as c


def case_scope_q(user, action: str, prefix: str = "") -> Q | None:
    """The filter that limits cases (reached through ``prefix``) to what ``user`` may touch.

    ``None`` means nothing at all. Every child-data model builds its ``scope_filter`` on this.
    """
    scope = case_scope(user, action)
    p = prefix
    if scope == Scope.OWN:
        return Q(**{f"{p}owner": user})
    if scope == Scope.OFFICE and user.office_id:
        return Q(**{f"{p}office_id": user.office_id})
    if scope == Scope.AGENCY and user.agency_id:
        return Q(**{f"{p}agency_id": user.agency_id})
    if scope == Scope.NATIONAL and user.agency_id:
        return Q(**{f"{p}agency__country": user.agency.country})
    return None


class ScopedModel(KinlinkModel):
    """A part of a case: scoped through its case."""

    case_path = "case__"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action, cls.case_path)


class Child(KinlinkModel):
    """The child a case is about. Names are kept as written, in any script."""

    given_name = models.CharField(_("given name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    middle_name = models.CharField(_("middle name or patronymic"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=c.Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    age_years = models.PositiveSmallIntegerField(_("age in years"), null=True, blank=True)
    age_recorded_on = models.DateField(_("age recorded on"), null=True, blank=True)
    age_estimated = models.BooleanField(_("age is estimated"), default=False)
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    protection_status = models.CharField(
        _("protection status"), max_length=20, choices=c.ProtectionStatus.choices
    )
    migratory_status = models.CharField(
        _("migratory status"),
        max_length=25,
        choices=c.MigratoryStatus.choices,
        default=c.MigratoryStatus.UNKNOWN,
    )
    disability = models.CharField(
        _("disability (functioning)"),
        max_length=10,
        choices=c.Disability.choices,
        default=c.Disability.UNKNOWN,
    )
    birth_registration = models.CharField(
        _("birth registration"),
        max_length=30,
        choices=c.BirthRegistration.choices,
        default=c.BirthRegistration.UNKNOWN,
    )
    statelessness_risk = models.BooleanField(_("at risk of statelessness"), default=False)
    place_of_origin = models.CharField(_("place of origin"), max_length=200, blank=True)
    # Where the child is now when that is another country (moved on, located abroad); empty:
    # in this country or not known. Rule 42 (Hague 1996 Art. 36) reads it.
    current_country = models.CharField(
        _("country where the child is now"), max_length=2, blank=True
    )
    health_notes = EncryptedTextField(_("health"), blank=True)
    distinguishing_marks = EncryptedTextField(_("distinguishing marks"), blank=True)
    # Search keys of every name and spelling (normalised, transliterated, phonetic), space
    # separated; maintained by services.child_refresh_search_keys.
    search_keys = models.TextField(blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        q = case_scope_q(user, action, "cases__")
        return q

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day``: from the date of birth, else from the recorded age."""
        if self.date_of_birth:
            dob = self.date_of_birth
            if day < dob:
                return None  # before birth: no age (callers treat it as unknown)
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        if self.age_years is not None and self.age_recorded_on:
            return max(0, self.age_years + (day - self.age_recorded_on).days // 365)
        return self.age_years


class ChildName(KinlinkModel):
    """Another name, nickname or spelling a child is known by."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=c.NameKind.choices)

    objects = RestrictedQuerySet.as_manager()

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action, "child__cases__")


class Document(KinlinkModel):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=c.DocumentKind.choices)
    number = EncryptedTextField(_("number"), blank=True)
    number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    held = models.BooleanField(_("held by the child or caregiver"), default=True)

    objects = RestrictedQuerySet.as_manager()

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action, "child__cases__")


class FamilyMember(KinlinkModel):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family")
    relationship = models.CharField(
        _("relationship"), max_length=25, choices=c.Relationship.choices
    )
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    age_years = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    alive = models.CharField(
        _("alive"), max_length=10, choices=c.AliveStatus.choices, default=c.AliveStatus.UNKNOWN
    )
    is_caregiver = models.BooleanField(_("current caregiver"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=False)
    country = models.CharField(_("country where they live"), max_length=2, blank=True)
    phone = EncryptedTextField(_("telephone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    do_not_contact = models.BooleanField(
        _("the child does not want this person contacted"), default=False
    )

    objects = RestrictedQuerySet.as_manager()

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action, "child__cases__")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


class Case(KinlinkModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=40, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    status = models.CharField(
        _("status"), max_length=15, choices=c.CaseStatus.choices, default=c.CaseStatus.OPEN
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=c.Stage.choices, default=c.Stage.REGISTERED
    )
    risk_level = models.CharField(
        _("risk level"),
        max_length=15,
        choices=c.RiskLevel.choices,
        default=c.RiskLevel.NOT_ASSESSED,
    )
    identified_at = models.DateTimeField(_("identified at"))
    registered_at = models.DateTimeField(_("registered at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    identification_source = models.CharField(
        _("identified by"),
        max_length=20,
        choices=c.IdentificationSource.choices,
        default=c.IdentificationSource.OTHER,
    )
    registration_place = models.CharField(_("place of registration"), max_length=200, blank=True)
    separation_date = models.DateField(_("date of separation"), null=True, blank=True)
    separation_place = models.CharField(_("place of separation"), max_length=200, blank=True)
    protection_concerns = EncryptedTextField(_("protection concerns"), blank=True)
    summary = EncryptedTextField(_("case summary"), blank=True)
    urgent_needs = EncryptedTextField(_("urgent needs"), blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=30, choices=c.ClosureReason.choices, blank=True
    )
    closure_note = EncryptedTextField(_("closure note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = EncryptedTextField(_("reason for reopening"), blank=True)
    # The earliest open deadline (recomputed on every change; the home page sorts on it).
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_due_kind = models.CharField(max_length=40, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action)

    @property
    def is_open(self) -> bool:
        return self.status == c.CaseStatus.OPEN

    @property
    def next_due_label(self) -> str:
        """What the earliest deadline is about, in the reader's language."""
        from .rules import DUE_KINDS

        return str(DUE_KINDS.get(self.next_due_kind, "")) if self.next_due_kind else ""


class Consent(ScopedModel):
    """Consent or assent for one case: who gave it, for what, with whom it may be shared."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=15, choices=c.ConsentGiver.choices)
    given_by_name = models.CharField(_("name of the person"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=c.ConsentKind.choices)
    child_age = models.PositiveSmallIntegerField(_("child's age at the time"), null=True)
    given_on = models.DateField(_("date"))
    for_services = models.BooleanField(_("services"), default=False)
    for_tracing = models.BooleanField(_("family tracing"), default=False)
    for_photo = models.BooleanField(_("use of photos"), default=False)
    for_reporting = models.BooleanField(_("non-identifiable statistics"), default=False)
    share_with = models.JSONField(_("may be shared with"), default=list, blank=True)
    withhold_from = models.CharField(
        _("information to withhold from (person)"), max_length=200, blank=True
    )
    withhold_reason = EncryptedTextField(_("reason for withholding"), blank=True)
    override_basis = models.CharField(
        _("basis without consent"), max_length=20, choices=c.OverrideBasis.choices, blank=True
    )
    override_reason = EncryptedTextField(_("why consent could not be obtained"), blank=True)
    override_state = models.CharField(max_length=10, choices=c.ApprovalState.choices, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-created_at"]


class Assessment(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=15, choices=c.AssessmentKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=c.ApprovalState.choices, default=c.ApprovalState.DRAFT
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    proposed_risk_level = models.CharField(
        _("risk level"),
        max_length=15,
        choices=c.RiskLevel.choices,
        default=c.RiskLevel.NOT_ASSESSED,
    )
    # Findings by domain: safety, health, education, family, psychosocial, legal, economic.
    findings = EncryptedJSONField(_("findings"), null=True, blank=True)
    child_views = EncryptedTextField(_("the child's views and wishes"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    @property
    def findings_by_domain(self) -> list[tuple[str, str]]:
        """(translated domain label, text) in the order of DOMAINS."""
        found = self.findings or {}
        return [(label, found[key]) for key, label in self.DOMAINS if found.get(key)]

    DOMAINS = [
        ("safety", _("Safety")),
        ("health", _("Health")),
        ("education", _("Education")),
        ("family", _("Family and care")),
        ("psychosocial", _("Psychosocial wellbeing")),
        ("legal", _("Legal status and documentation")),
        ("economic", _("Economic situation")),
    ]


class CasePlan(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=c.ApprovalState.choices, default=c.ApprovalState.DRAFT
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_per_case")
        ]


class PlanGoal(ScopedModel):
    case_path = "plan__case__"
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, blank=True)
    description = EncryptedTextField(_("goal"))

    class Meta:
        ordering = ["created_at"]


class PlanAction(ScopedModel):
    case_path = "goal__plan__case__"
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("action"))
    responsible = models.CharField(_("responsible person or agency"), max_length=200)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=c.ActionStatus.choices, default=c.ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["due_on", "created_at"]


class FollowUp(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    kind = models.CharField(
        _("kind"), max_length=20, choices=c.FollowUpKind.choices, default=c.FollowUpKind.VISIT
    )
    due_on = models.DateField(_("needed by"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    child_seen = models.BooleanField(_("child seen"), null=True)
    reason_not_seen = models.CharField(_("why not seen"), max_length=300, blank=True)
    notes = EncryptedTextField(_("observations and actions"), blank=True)
    recommend_closure = models.BooleanField(_("recommend closure"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-due_on"]


class Note(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]


class Attachment(ScopedModel):
    """A photo or document, stored encrypted in private storage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=c.AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class Approval(ScopedModel):
    """A supervisor's decision on an assessment, case plan, closure or consent override."""

    class Subject(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        CASE_PLAN = "case_plan", _("Case plan")
        CLOSURE = "closure", _("Closure")
        CONSENT_OVERRIDE = "consent_override", _("Processing without consent")
        VERIFICATION = "verification", _("Verification before reunification")
        CROSSBORDER = "crossborder", _("Cross-border request")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    subject_id = models.UUIDField()
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=c.ApprovalState.choices,
        default=c.ApprovalState.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
