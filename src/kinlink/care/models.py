"""Alternative care (placements, gatekeeping, reviews, providers), guardianship and
best-interests procedures (DOMAIN.md sections 3, 4 and the domain model)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinlink.cases.models import ScopedModel
from kinlink.core.fields import EncryptedTextField
from kinlink.core.models import KinlinkModel

from . import choices as k


class CareProvider(KinlinkModel):
    """A register entry: a foster-care service, a residential facility, a small group home."""

    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="care_providers"
    )
    care_type = models.CharField(_("type of care"), max_length=30, choices=k.CareType.choices)
    licence = models.CharField(_("registration or licence"), max_length=100, blank=True)
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (children)"), null=True, blank=True)
    accepts_under3 = models.BooleanField(_("may take children under 3"), default=False)
    location = models.CharField(_("location"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("care provider")

    def __str__(self) -> str:
        return self.name


class Placement(ScopedModel):
    """Where and with whom a child lives; detention is recorded here as a situation, never
    as a care option (rules 38, 39)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    care_type = models.CharField(_("type of care"), max_length=30, choices=k.CareType.choices)
    formal = models.BooleanField(_("formal care"), default=True)
    provider = models.ForeignKey(
        CareProvider,
        verbose_name=_("care provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    place = models.CharField(_("place or facility"), max_length=200, blank=True)
    # Rule 41: a placement in another Hague 1996 State needs an Art. 33 consultation.
    destination_country = models.CharField(
        _("country of the placement (if abroad)"), max_length=2, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=k.PlacementStatus.choices,
        default=k.PlacementStatus.PROPOSED,
    )
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    emergency = models.BooleanField(_("emergency placement"), default=False)
    reason = models.CharField(_("reason"), max_length=30, choices=k.PlacementReason.choices)
    court_decision = models.CharField(_("court decision (reference)"), max_length=200, blank=True)
    siblings = models.CharField(
        _("siblings"), max_length=10, choices=k.Siblings.choices, default=k.Siblings.NONE
    )
    siblings_apart_reason = EncryptedTextField(_("why the siblings are apart"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = EncryptedTextField(_("why it ended"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Rules 38, 39: the case-plan action "secure release to non-custodial care" created when
    # a detention is recorded; it cannot be marked done while the child is still detained.
    release_action = models.ForeignKey(
        "cases.PlanAction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_on", "-created_at"]
        verbose_name = _("placement")

    @property
    def residential(self) -> bool:
        return self.care_type in k.RESIDENTIAL

    @property
    def detention(self) -> bool:
        return self.care_type == k.CareType.DETENTION

    @property
    def is_active(self) -> bool:
        return self.status == k.PlacementStatus.ACTIVE

    @property
    def approved_gatekeeping(self):
        for d in self.gatekeeping.all():
            if d.decision == k.Decision.APPROVED:
                return d
        return None


class GatekeepingDecision(ScopedModel):
    """The formal decision a formal placement needs before it starts (rules 33, 36)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="gatekeeping")
    deciding_body = models.CharField(
        _("deciding body"), max_length=15, choices=k.DecidingBody.choices
    )
    decided_on = models.DateField(_("date of the decision"))
    assessment = models.ForeignKey(
        "cases.Assessment",
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessment_summary = EncryptedTextField(_("what the assessment found"))
    alternatives = models.JSONField(_("alternatives considered"), default=list)
    decision = models.CharField(_("decision"), max_length=10, choices=k.Decision.choices)
    rationale = EncryptedTextField(_("reasons"))
    residential_justification = EncryptedTextField(
        _("why residential care is appropriate, necessary and constructive"), blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-created_at"]


class PlacementReview(ScopedModel):
    """A periodic (gatekeeping) review of a placement (rules 34, 35, 36)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date of the review"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=k.ReviewOutcome.choices)
    notes = EncryptedTextField(_("findings of the review"))
    residential_justification = EncryptedTextField(
        _("why residential care is still appropriate, necessary and constructive"), blank=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_supervisor = models.BooleanField(default=False)

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]


class Guardianship(ScopedModel):
    """A guardian or legal representative appointed for a child (rule 40)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="guardians")
    guardian_name = models.CharField(_("guardian or representative"), max_length=200)
    authority = models.CharField(_("appointing authority"), max_length=200)
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-appointed_on"]


class BestInterestsProcess(ScopedModel):
    """A BIA (short or comprehensive), a BID or a BID review (rules 27–32)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="bips")
    kind = models.CharField(_("kind"), max_length=20, choices=k.BipKind.choices)
    trigger = models.CharField(_("why"), max_length=30, choices=k.BipTrigger.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=k.BipStatus.choices, default=k.BipStatus.OPEN
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child_views = EncryptedTextField(_("the child's views"), blank=True)
    findings = EncryptedTextField(_("findings"), blank=True)
    decision = EncryptedTextField(_("decision or recommendation"), blank=True)
    reasons = EncryptedTextField(_("reasons"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    tracing_exhausted = models.BooleanField(_("tracing is exhausted"), default=False)
    parental_consent = models.BooleanField(_("the parents consent"), default=False)
    reviews = models.ForeignKey(
        "self",
        verbose_name=_("BID reviewed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bid_reviews",
    )
    # Rule 32: a completed BID is reopened only on a BID review report that refers to it; the
    # reopened BID keeps its decision, and a new BID (``reopens`` = the old one) is opened.
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    reopen_reason = EncryptedTextField(_("why the BID is reopened"), blank=True)
    reopened_by_review = models.ForeignKey(
        "self",
        verbose_name=_("BID review report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopens = models.ForeignKey(
        "self",
        verbose_name=_("BID reopened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reopened_as",
    )

    class Meta:
        ordering = ["-created_at"]

    @property
    def completed(self) -> bool:
        return self.status == k.BipStatus.COMPLETED


class BidPanelMember(ScopedModel):
    """A member of a BID panel (rule 31)."""

    case_path = "process__case__"
    process = models.ForeignKey(
        BestInterestsProcess, on_delete=models.CASCADE, related_name="panel"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    expertise = models.CharField(_("role or expertise"), max_length=200, blank=True)
    confidentiality_signed = models.BooleanField(
        _("signed the undertaking of confidentiality"), default=False
    )

    class Meta:
        ordering = ["created_at"]


class DurableSolution(ScopedModel):
    """A durable solution for a child; the BID it rests on (rules 27, 28, 30)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="solutions")
    kind = models.CharField(_("durable solution"), max_length=30, choices=k.SolutionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=k.SolutionStatus.choices,
        default=k.SolutionStatus.PROPOSED,
    )
    bid = models.ForeignKey(
        BestInterestsProcess,
        verbose_name=_("best interests determination"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exception_reason = EncryptedTextField(_("documented exception (no BID)"), blank=True)
    exception_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    with_one_parent = models.BooleanField(_("resettles with one parent only"), default=False)
    sole_custody = models.BooleanField(_("that parent has sole custody (document)"), default=False)
    other_parent_dead = models.BooleanField(
        _("the other parent's death is proven and no one else has custody"), default=False
    )
    other_parent_consent = models.BooleanField(
        _("the other parent gave informed written consent"), default=False
    )
    # Rule 44: a return (voluntary repatriation) needs these before it is implemented.
    return_country = models.CharField(_("country of return"), max_length=2, blank=True)
    pre_return_assessment = EncryptedTextField(
        _("pre-return family assessment in the country of return"), blank=True
    )
    receiving_agency = models.CharField(_("receiving agency"), max_length=200, blank=True)
    followup_plan = EncryptedTextField(_("follow-up plan after return"), blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
