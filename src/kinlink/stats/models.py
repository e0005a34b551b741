"""Statistics: a summary table of cases (refreshed by a task) and versioned releases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.core.models import KinlinkModel, RestrictedQuerySet


class Basis(models.TextChoices):
    """Why a record counts in statistics, or why it is left out (rule 48)."""

    OK = "ok", _("Consent or lawful basis for statistics")
    NO_CONSENT = "no_consent", _("No consent for statistics recorded")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    PENDING = "basis_pending", _("Lawful basis not (yet) approved")
    DUPLICATE = "duplicate", _("Duplicate record")


class CaseFact(models.Model):
    """One row per case: what the indicators need, without names or free text.

    Rebuilt from the case records by ``services.facts_refresh`` (a periodic task). Still
    record-level data: read only through ``.system("statistics")``, never shown."""

    case_id = models.UUIDField(primary_key=True)
    country = models.CharField(max_length=2)
    admin_area = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    basis = models.CharField(max_length=15, choices=Basis.choices)
    status = models.CharField(max_length=15)
    stage = models.CharField(max_length=20)
    risk_level = models.CharField(max_length=15)
    identified_at = models.DateTimeField()
    registered_on = models.DateField()
    closed_on = models.DateField(null=True)
    age = models.SmallIntegerField(null=True)  # at registration
    sex = models.CharField(max_length=10)
    nationality = models.CharField(max_length=2, blank=True)
    migratory_status = models.CharField(max_length=25)
    protection_status = models.CharField(max_length=20)
    disability = models.CharField(max_length=10)
    birth_registration = models.CharField(max_length=30)
    statelessness_risk = models.BooleanField(default=False)
    hours_to_first_assessment = models.FloatField(null=True)
    days_to_case_plan = models.FloatField(null=True)
    separation_date = models.DateField(null=True)
    reunified_on = models.DateField(null=True)
    days_to_reunification = models.FloatField(null=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        # (country, basis) served no query and cost a third of the refresh (bench/stats)
        indexes = [models.Index(fields=["country", "registered_on"])]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return None  # nobody reads record-level facts; statistics use .system()


class FactsRefresh(models.Model):
    """When the summary table was last rebuilt, and how long it took."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True)
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # records in the column store built by the same refresh (``columns``); null: not built,
    # the statistics are computed from the fact table
    columns = models.PositiveIntegerField(null=True)
    # when someone last queued a refresh (the dashboard's button); pending until a refresh
    # that started after it has finished
    queued_at = models.DateTimeField(null=True)


class FactChunk(models.Model):
    """A block of up to ``columns.CHUNK`` case facts of one country and administrative area,
    stored by column (``FactColumn``): the summary level the statistics are computed from.

    ``zones`` holds, per column, what a query needs to skip the block without reading it: the
    smallest and largest value and the number of nulls, or the categories present. Rebuilt
    with the facts by ``services.facts_refresh``; record-level data, read only through
    ``.system("statistics")`` and never shown."""

    country = models.CharField(max_length=2)
    admin_area = models.CharField(max_length=100, blank=True)
    rows = models.PositiveIntegerField()
    zones = models.JSONField(default=dict)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["country", "admin_area"])]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return None  # record-level: statistics read it with .system()


class FactColumn(models.Model):
    """One column of a ``FactChunk``: the values of its records packed as a numpy array
    (categories as codes into the chunk's labels in ``zones``)."""

    chunk = models.ForeignKey(FactChunk, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)
    data = models.BinaryField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chunk", "name"], name="factcolumn_per_chunk")
        ]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return None  # record-level: statistics read it with .system()


class Release(KinlinkModel):
    """A versioned set of published tables: parameters, the protected tables, approval."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved for publication")
        REJECTED = "rejected", _("Returned for changes")

    class Kind(models.TextChoices):
        TABLES = "tables", _("Protected tables")
        EXTRACT = "extract", _("Research extract (pseudonymised records)")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TABLES)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    country = models.CharField(max_length=2)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    geography_level = models.PositiveSmallIntegerField(_("geography level"), default=0)
    area = models.CharField(_("area"), max_length=100, blank=True)
    indicators = models.JSONField(default=list)
    breakdowns = models.JSONField(default=list)
    parameters = models.JSONField(default=dict)
    # Only protected values are stored: suppressed cells are null.
    tables = models.JSONField(default=list)
    data_as_of = models.DateTimeField(null=True)
    content_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "title", "version"], name="release_version_per_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class DomainFact(models.Model):
    """One row per record of another domain (a referral, a placement, a cross-border request),
    with the dimensions of its case copied from ``CaseFact`` (so the same consent basis and
    breakdowns apply) and the few fields its indicators need. No names, no free text.

    Rebuilt by ``domain_facts.refresh`` after the case facts; read only through
    ``.system("statistics")``."""

    source = models.CharField(max_length=20)  # referrals | care | exchange | tracing
    record_id = models.UUIDField()
    case_id = models.UUIDField(null=True)
    country = models.CharField(max_length=2)
    admin_area = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    basis = models.CharField(max_length=15, choices=Basis.choices)
    stage = models.CharField(max_length=20, blank=True)
    risk_level = models.CharField(max_length=15, blank=True)
    age = models.SmallIntegerField(null=True)  # at the start of the record
    sex = models.CharField(max_length=10, blank=True)
    nationality = models.CharField(max_length=2, blank=True)
    migratory_status = models.CharField(max_length=25, blank=True)
    protection_status = models.CharField(max_length=20, blank=True)
    disability = models.CharField(max_length=10, blank=True)
    category = models.CharField(max_length=40)  # service, care or request type
    outcome = models.CharField(max_length=20, blank=True)  # status of the record
    direction = models.CharField(max_length=3, blank=True)
    reason = models.CharField(max_length=20, blank=True)  # coded: a failed referral's barrier
    started_on = models.DateField()
    ended_on = models.DateField(null=True)
    changed_on = models.DateField(null=True)  # when the outcome was recorded
    duration = models.FloatField(null=True)  # days to the response (cross-border requests)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["source", "country", "started_on"])]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return None  # record-level: statistics read it with .system()


class LawPolicy(KinlinkModel):
    """A law, policy or strategy of the country profile (the situation analysis' macro level)."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        POLICY = "policy", _("Policy")
        STRATEGY = "strategy", _("Strategy or action plan")
        AGREEMENT = "agreement", _("International or bilateral agreement")

    country = models.CharField(max_length=2)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted on"))
    in_force = models.BooleanField(_("in force"), default=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-adopted_on", "title"]

    def __str__(self) -> str:
        return self.title
