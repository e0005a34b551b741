"""Tracing requests, potential matches, verification and reunification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.cases import choices as cc
from kinlink.cases.models import ScopedModel, case_scope_q
from kinlink.core.fields import EncryptedJSONField, EncryptedTextField
from kinlink.core.models import KinlinkModel, RestrictedQuerySet

from . import choices as t


def either_scope(*filters: Q | None) -> Q | None:
    """Rows in any of the scopes (a ``None`` scope is nothing); ``None`` if no scope at all."""
    present = [q for q in filters if q is not None]
    if not present:
        return None
    combined = present[0]
    for q in present[1:]:
        combined |= q
    return combined


class CaseTracing(ScopedModel):
    """The tracing record a case gets when the child is unaccompanied or separated (rule 21)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="tracing")
    status = models.CharField(
        max_length=10, choices=t.RequestStatus.choices, default=t.RequestStatus.OPEN
    )
    opened_at = models.DateTimeField()
    first_action_due_at = models.DateTimeField(_("first tracing action due"))
    # Rule 22: photo tracing is never used for these children.
    does_not_want_to_be_found = models.BooleanField(
        _("the child does not want to be found"), default=False
    )
    trafficking_risk = models.BooleanField(_("trafficking concern"), default=False)
    caafag = models.BooleanField(_("associated with armed forces or groups"), default=False)


class TracingRequest(KinlinkModel):
    """An enquiry by an adult (or an agency) looking for a child."""

    number = models.CharField(_("request number"), max_length=40, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tracing_requests"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=t.RequestStatus.choices, default=t.RequestStatus.OPEN
    )
    inquiry_date = models.DateField(_("date of enquiry"))
    enquirer_given_name = models.CharField(_("enquirer's given name"), max_length=150)
    enquirer_family_name = models.CharField(_("enquirer's family name"), max_length=150, blank=True)
    enquirer_relationship = models.CharField(
        _("relationship to the child"), max_length=20, choices=t.EnquirerRelationship.choices
    )
    enquirer_phone = EncryptedTextField(_("enquirer's telephone"), blank=True)
    enquirer_address = EncryptedTextField(_("enquirer's address"), blank=True)
    enquirer_language = models.CharField(_("enquirer's language"), max_length=2, blank=True)
    consent_to_share = models.BooleanField(
        _("the enquirer agrees to share the request with other organisations"), default=False
    )
    # Rule 48: the enquirer's agreement that the request is counted in non-identifiable
    # statistics (the request is about the enquirer as much as about the child sought).
    consent_statistics = models.BooleanField(
        _("the enquirer agrees that the request is counted in anonymous statistics"),
        default=False,
    )
    separation_date = models.DateField(_("date of separation"), null=True, blank=True)
    separation_place = models.CharField(_("place of separation"), max_length=200, blank=True)
    separation_cause = models.CharField(
        _("cause of separation"),
        max_length=20,
        choices=t.SeparationCause.choices,
        default=t.SeparationCause.UNKNOWN,
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_outcome = models.CharField(
        _("outcome"), max_length=12, choices=t.RequestOutcome.choices, blank=True
    )
    closure_note = EncryptedTextField(_("why the request was closed"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-inquiry_date", "-created_at"]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action)


class Trace(KinlinkModel):
    """One sought child of a tracing request."""

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="traces")
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    middle_name = models.CharField(_("middle name or patronymic"), max_length=150, blank=True)
    other_names = models.CharField(_("other names or spellings"), max_length=300, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=cc.Sex.choices, default=cc.Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_years = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_estimated = models.BooleanField(_("age or date of birth is estimated"), default=True)
    place_of_origin = models.CharField(_("place of origin"), max_length=200, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=200, blank=True)
    father_name = models.CharField(_("father's name"), max_length=200, blank=True)
    distinguishing_marks = EncryptedTextField(_("distinguishing details"), blank=True)
    document_number = EncryptedTextField(_("document number"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=t.TraceStatus.choices, default=t.TraceStatus.OPEN
    )
    matched_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # when the child was found (a match confirmed) or the request was closed without it
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return case_scope_q(user, action, "request__")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)


class TracingAction(KinlinkModel):
    """A logged tracing step, on a child's case or on a tracing request's trace."""

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tracing_actions",
    )
    trace = models.ForeignKey(
        Trace, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    done_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=t.TracingMethod.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = EncryptedTextField(_("what was done"))
    outcome = models.CharField(
        _("outcome"),
        max_length=15,
        choices=t.ActionOutcome.choices,
        default=t.ActionOutcome.PENDING,
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-done_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(trace__isnull=False),
                name="tracing_action_has_subject",
            )
        ]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return either_scope(
            case_scope_q(user, action, "case__"), case_scope_q(user, action, "trace__request__")
        )


class PotentialMatch(KinlinkModel):
    """A registered child the engine found for a trace. Only a person confirms or rejects."""

    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="matches")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    probability = models.FloatField()
    likelihood = models.CharField(max_length=10, choices=t.Likelihood.choices)
    rank = models.PositiveSmallIntegerField()
    explanation = models.JSONField(default=list)  # [{"field", "level", "text"}], no raw names
    model_version = models.CharField(max_length=40, blank=True)
    state = models.CharField(
        max_length=10, choices=t.MatchState.choices, default=t.MatchState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = EncryptedTextField(_("reason"), blank=True)
    disclosure = models.CharField(
        max_length=10, choices=t.DisclosureState.choices, blank=True, default=""
    )
    disclosure_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept when a confirmed or rejected match is used to recalibrate the model.
    comparison_levels = models.JSONField(default=list)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["trace", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["trace", "case"], name="one_match_per_trace_case")
        ]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        """The requesting side (the trace's request) or the child's side (the case)."""
        return either_scope(
            case_scope_q(user, action, "trace__request__"), case_scope_q(user, action, "case__")
        )


class Verification(ScopedModel):
    """Verification of a relationship and of reunification before it happens (rules 23–24)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="verifications")
    trace = models.ForeignKey(
        Trace, null=True, blank=True, on_delete=models.SET_NULL, related_name="verifications"
    )
    adult_name = models.CharField(_("adult's name"), max_length=200)
    relationship = models.CharField(
        _("relationship"), max_length=25, choices=cc.Relationship.choices
    )
    adult_address = EncryptedTextField(_("adult's address"), blank=True)
    child_knows_adult = models.BooleanField(_("the child knows the adult"), null=True)
    child_wishes_reunification = models.BooleanField(
        _("the child wishes to be reunified with this adult"), null=True
    )
    adult_willing = models.BooleanField(_("the adult wants the child to live with them"), null=True)
    adult_able = models.BooleanField(_("the adult is able to care for the child"), null=True)
    information_matches = models.BooleanField(
        _("what the child and the adult say matches"), null=True
    )
    home_visit_done = models.BooleanField(_("home visit done"), default=False)
    interviews = EncryptedJSONField(_("interview notes"), null=True, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=30, choices=t.Recommendation.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=t.VerificationStatus.choices,
        default=t.VerificationStatus.PENDING,
    )
    approval_state = models.CharField(
        max_length=10, choices=cc.ApprovalState.choices, default=cc.ApprovalState.DRAFT
    )
    verified_on = models.DateField(_("verification date"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]


class Reunification(ScopedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reunifications")
    verification = models.ForeignKey(
        Verification, on_delete=models.PROTECT, related_name="reunifications"
    )
    adult_name = models.CharField(_("reunified with"), max_length=200)
    relationship = models.CharField(
        _("relationship"), max_length=25, choices=cc.Relationship.choices
    )
    place = models.CharField(_("place of reunification"), max_length=200)
    reunified_on = models.DateField(_("date of reunification"))
    kind = models.CharField(_("type"), max_length=20, choices=t.ReunificationType.choices)
    with_verified_adult = models.BooleanField(_("with the verified adult"), default=True)
    deviation_reason = EncryptedTextField(_("why not with the verified adult"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reunified_on"]


class DuplicateCandidate(KinlinkModel):
    """Two registered children the engine thinks may be the same child."""

    case_a = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    explanation = models.JSONField(default=list)
    state = models.CharField(
        max_length=10, choices=t.DuplicateState.choices, default=t.DuplicateState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = EncryptedTextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b"], name="one_duplicate_pair")
        ]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        a = case_scope_q(user, action, "case_a__")
        b = case_scope_q(user, action, "case_b__")
        if a is None or b is None:
            return None
        return a & b  # only someone who may see both children reviews the pair


class MatcherModel(KinlinkModel):
    """Parameters of the matching model a deployment uses (recalibrated from labels)."""

    parameters = models.JSONField()
    active = models.BooleanField(default=False)
    trained_on = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
