"""Form definitions (XLSForm), their immutable published versions, and responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import can
from kinlink.cases.models import case_scope_q
from kinlink.core.fields import EncryptedJSONField
from kinlink.core.models import KinlinkModel, RestrictedQuerySet


class FormPurpose(models.TextChoices):
    CITY_SURVEY = "city_survey", _("City needs survey")
    INTERVIEW = "interview", _("Research interview")
    ASSESSMENT = "assessment", _("Case assessment")
    SURVEY = "survey", _("Survey")


class FormDefinition(KinlinkModel):
    """A questionnaire, identified by its XLSForm ``form_id``; its versions sit side by side."""

    form_id = models.SlugField(_("form id"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=FormPurpose.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def current_version(self):
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class FormVersion(KinlinkModel):
    """One version of a form: the workbook as uploaded and the definition read from it.

    Once ``published_at`` is set nothing about it changes (``save`` refuses); a new upload
    becomes a new version beside it. Responses point at the version they answered.
    """

    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    version_label = models.CharField(_("version"), max_length=50, blank=True)
    definition = models.JSONField(_("definition"))
    source = models.BinaryField(_("workbook"))
    source_name = models.CharField(max_length=200, blank=True)
    languages = models.JSONField(default=list)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire version")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="form_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.form.title} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = FormVersion.objects.filter(pk=self.pk).values("published_at").first()
            if stored and stored["published_at"] is not None:
                raise PermissionError("a published form version never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.published_at is not None:
            raise PermissionError("a published form version is never deleted")
        return super().delete(*args, **kwargs)


class AssessmentType(KinlinkModel):
    """A deployment's XLSForm-based assessment of a case (answered on the case page)."""

    form = models.OneToOneField(
        FormDefinition, on_delete=models.PROTECT, related_name="assessment_type"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment type")

    def __str__(self) -> str:
        return self.form.title


class Response(KinlinkModel):
    """Answers to one form version. Answers are encrypted (interviews and case assessments
    carry personal data). Who sees a response depends on its purpose:

    - city survey: the city official who answered it, and roles with ``see_city_surveys`` in
      the same country;
    - interview: researchers of the agency that conducted it;
    - case assessment: through its case (the case's scope);
    - plain survey: the respondent and form managers of the agency.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="responses")
    purpose = models.CharField(max_length=20, choices=FormPurpose.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = EncryptedJSONField(default=dict)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_responses",
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.CharField(max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="form_responses",
    )
    respondent_code = models.CharField(_("respondent code"), max_length=40, blank=True)
    consent = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, default="web")  # web | import
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire response")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_status_display()}"

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        q = Q(respondent=user, status=cls.Status.DRAFT) | Q(
            respondent=user, purpose=FormPurpose.CITY_SURVEY
        )
        if action == "view" and can(user, "see_city_surveys") and user.agency_id:
            q |= Q(
                purpose=FormPurpose.CITY_SURVEY,
                status=cls.Status.SUBMITTED,
                country=user.agency.country,
            )
        if can(user, "conduct_interviews") and user.agency_id:
            q |= Q(purpose=FormPurpose.INTERVIEW, agency_id=user.agency_id)
        if can(user, "manage_forms") and user.agency_id:
            q |= Q(purpose=FormPurpose.SURVEY, agency_id=user.agency_id)
        case_q = case_scope_q(user, action, "case__")
        if case_q is not None:
            q |= Q(purpose=FormPurpose.ASSESSMENT) & case_q
        return q


class DataJob(KinlinkModel):
    """An export or import of responses run by the background worker. The uploaded file and
    the result are stored encrypted; only the user who started the job sees it, and the
    download checks again that they may still export the form (and is audited)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_format = models.CharField(max_length=10, blank=True)  # csv | xlsx | zip
    source_name = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    payload = models.BinaryField(blank=True, default=b"")  # the upload, encrypted; emptied
    result = models.BinaryField(blank=True, default=b"")  # the export, encrypted
    result_name = models.CharField(max_length=200, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = EncryptedJSONField(default=list)  # [[sheet, row, column, message], ...]
    failure = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire data job")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.version} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        return Q(requested_by=user)
