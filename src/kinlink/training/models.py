"""Trainings and webinars (modules, trainers, participants, attendance, pre/post tests) and the
good-practice library."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import can
from kinlink.core.models import KinlinkModel, RestrictedQuerySet


class Topic(models.TextChoices):
    # the topics of the city needs survey's 'topics' list, so a plan follows the ranked needs
    TRAUMA = "trauma", _("Trauma-informed practice")
    CASE_MGMT = "case_mgmt", _("Child protection case management")
    INTERPRETERS = "interpreters", _("Working with interpreters")
    INCLUSIVE_EDU = "inclusive_edu", _("Inclusive education")
    TRAFFICKING = "trafficking", _("Identifying trafficking")
    GUARDIANSHIP = "guardianship_t", _("Guardianship of separated children")
    FAMILY_TRACING = "family_tracing", _("Family tracing and reunification")
    DATA = "data", _("Data collection and protection")
    OTHER = "other", _("Other")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    WEBINAR = "online", _("Online (webinar)")
    MIXED = "mixed", _("Mixed")


class Audience(models.TextChoices):
    SOCIAL_WORKERS = "social_workers", _("Social workers")
    MIGRATION_OFFICERS = "migration_officers", _("Migration officers")
    POLICE = "police", _("Police")
    CITY_STAFF = "city_staff", _("City staff")


class Visibility(models.TextChoices):
    AGENCY = "agency", _("Our agency only")
    COUNTRY = "country", _("Agencies in our country")
    ALL = "all", _("Every agency")


class Training(KinlinkModel):
    """A training or webinar, organised by an agency. Trainers of the organising agency see and
    edit it; other users see it only once it is published to them (``visibility``): trainers
    in the list and the plan, everyone when linking a good practice to it."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    audience = models.JSONField(_("audience"), default=list)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest test score"), default=100)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visibility = models.CharField(
        _("published to"), max_length=10, choices=Visibility.choices, default=Visibility.AGENCY
    )
    certificate_share = models.PositiveSmallIntegerField(
        _("sessions needed for a certificate (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of the sessions a participant must attend to be certified."),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        own = Q(created_by=user)
        if can(user, "manage_trainings") and user.agency_id:
            own |= Q(agency_id=user.agency_id)
        if can(user, "manage_trainings") and action == "change":
            return own
        if action == "change":
            return None
        published = Q(visibility=Visibility.ALL)
        if user.agency_id:
            published |= Q(visibility=Visibility.COUNTRY, agency__country=user.agency.country)
        return own | published

    def qualifies(self, attended_sessions: int, sessions: int) -> bool:
        """The certificate rule: at least ``certificate_share`` % of the sessions attended."""
        return sessions > 0 and attended_sessions * 100 >= self.certificate_share * sessions

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(a, a)) for a in self.audience]


class TrainingModule(KinlinkModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("module"), max_length=200)
    minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)

    class Meta:
        ordering = ["training", "order"]


class TrainingSession(KinlinkModel):
    """One day or sitting of a training; attendance is recorded per session."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("session"), max_length=200, blank=True)

    class Meta:
        ordering = ["training", "held_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}".strip()


class Participant(KinlinkModel):
    """A user of Kinlink or an external person."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    attended = models.BooleanField(_("attended"), default=False)
    pre_score = models.PositiveSmallIntegerField(_("pre-test score"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("post-test score"), null=True, blank=True)
    certificate_number = models.CharField(max_length=40, blank=True)
    sessions = models.ManyToManyField(
        TrainingSession, blank=True, related_name="present", verbose_name=_("sessions attended")
    )

    class Meta:
        ordering = ["training", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def change(self) -> int | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


class GoodPractice(KinlinkModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("returned")

    title = models.CharField(_("title"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    organisation = models.CharField(_("city or agency"), max_length=200)
    problem = models.TextField(_("problem"))
    response = models.TextField(_("response"))
    results = models.TextField(_("results"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("comma-separated"))
    languages = models.CharField(_("languages"), max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.TextField(_("review note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    trainings = models.ManyToManyField(
        Training, blank=True, related_name="practices", verbose_name=_("presented at")
    )

    class Meta:
        verbose_name = _("good practice")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]
