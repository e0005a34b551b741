"""Cross-border exchange: this node's keys, partner nodes, requests, outbox and inbox.

DOMAIN.md section 5 and the domain model's CrossBorderRequest. Private keys are stored with
the field encryption of kinlink.core (EncryptedJSONField). A message id is unique in the
inbox table: the database, not a process, guarantees at-most-once processing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.roles import can
from kinlink.cases.models import case_scope_q
from kinlink.core.fields import EncryptedJSONField, EncryptedTextField
from kinlink.core.models import KinlinkModel, RestrictedQuerySet

from .profiles import TYPES


class NodeProfile(models.Model):
    """This node's public description (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    node_id = models.CharField(_("node id"), max_length=63, unique=True)
    country = models.CharField(_("country"), max_length=2)
    agency = models.CharField(_("agency"), max_length=200)
    endpoint = models.URLField(_("public address"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)


class NodeKey(KinlinkModel):
    """One of this node's key pairs. The newest active key of each use is current; retired
    keys still decrypt and are still published until ``retired_at`` + grace period."""

    class Use(models.TextChoices):
        SIG = "sig", _("signing")
        ENC = "enc", _("encryption")

    use = models.CharField(max_length=3, choices=Use.choices)
    kid = models.CharField(max_length=64, unique=True)
    private_jwk = EncryptedJSONField()
    public_jwk = models.JSONField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PartnerNode(KinlinkModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for fingerprint confirmation")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    node_id = models.CharField(_("node id"), max_length=63, unique=True)
    country = models.CharField(_("country"), max_length=2)
    agency = models.CharField(_("agency"), max_length=200)
    endpoint = models.URLField(_("address"), max_length=300)
    jwks = models.JSONField(_("public keys"))
    fingerprint = models.CharField(_("key fingerprint"), max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["country", "agency"]

    def __str__(self) -> str:
        return f"{self.agency} ({self.country})"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    BLOCKED = "blocked", _("Not sent: do-no-harm risk")
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CrossBorderRequest(KinlinkModel):
    """One exchange about one child between this node and a partner, in either direction.

    ``ref`` is the pseudonymous reference both nodes use on the wire (never the case number).
    """

    class Direction(models.TextChoices):
        OUT = "out", _("Outbound")
        IN = "in", _("Inbound")

    class Harm(models.TextChoices):
        NOT_DONE = "", _("Not recorded")
        NO_RISK = "no_risk", _("No risk identified")
        RISK = "risk", _("Risk: do not transmit")

    ref = models.UUIDField()
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    partner = models.ForeignKey(PartnerNode, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("type"), max_length=30)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=20)
    retention_days = models.PositiveIntegerField(_("keep for (days)"), default=365)
    fields = EncryptedJSONField(null=True, blank=True)
    consent = models.ForeignKey(
        "cases.Consent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    harm_check = models.CharField(max_length=10, choices=Harm.choices, blank=True)
    harm_note = EncryptedTextField(blank=True)
    harm_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    harm_checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    acknowledge_due = models.DateTimeField(null=True, blank=True)
    response_due = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(blank=True)
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_reason = models.CharField(max_length=30, blank=True)
    # Receiver: the caseworker's review of the linked case after the partner withdrew the
    # data (docs/exchange/withdrawal.md).
    restriction_reviewed_at = models.DateTimeField(null=True, blank=True)
    restriction_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    restriction_outcome = models.CharField(max_length=20, blank=True)
    restriction_review = EncryptedTextField(blank=True)
    # Sender of an encoded tracing query (docs/exchange/pprl.md): the trace (sought child of
    # a tracing request) it was built from — such a request has no case —, the supervisor's
    # decision on it, and the partner's tracing_result (pseudonymous references and scores).
    trace = models.ForeignKey(
        "tracing.Trace", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_reason = EncryptedTextField(blank=True)
    result = EncryptedJSONField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "ref", "direction"], name="xb_ref_per_partner_direction"
            )
        ]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        """Coordinators see every request of the node; others only those about cases in
        their own scope (outbound, or inbound once linked to a local case), or built from a
        trace of a tracing request in their scope."""
        if can(user, "exchange"):
            return Q()
        return request_scope_q(user, action, "")

    @property
    def type_label(self):
        mt = TYPES.get(self.kind)
        return mt.label if mt else self.kind

    @property
    def is_outbound(self) -> bool:
        return self.direction == self.Direction.OUT

    @property
    def needs_restriction_review(self) -> bool:
        """The partner withdrew what it sent and the linked case has not been reviewed."""
        return (
            self.direction == self.Direction.IN
            and self.restricted_at is not None
            and self.case_id is not None
            and self.restriction_reviewed_at is None
        )


def request_scope_q(user, action: str, prefix: str) -> Q | None:
    """Requests (reached through ``prefix``) about a case, or built from a trace, in scope."""
    parts = [
        q
        for q in (
            case_scope_q(user, action, f"{prefix}case__"),
            case_scope_q(user, action, f"{prefix}trace__request__"),
        )
        if q is not None
    ]
    if not parts:
        return None
    return parts[0] | parts[1] if len(parts) == 2 else parts[0]


class OutboundMessage(KinlinkModel):
    """The outbox: a sealed message (the id is the message id) and its delivery state."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be delivered")
        DELIVERED = "delivered", _("Delivered")
        EXPORTED = "exported", _("Exported to a file")
        FAILED = "failed", _("Refused by the partner")

    partner = models.ForeignKey(PartnerNode, on_delete=models.PROTECT, related_name="outbox")
    request = models.ForeignKey(
        CrossBorderRequest, null=True, on_delete=models.CASCADE, related_name="outbound"
    )
    type = models.CharField(max_length=30)
    idem = models.CharField(max_length=100)
    token = models.TextField()  # JWE compact: readable only with the partner's private key
    fields_sent = models.JSONField(default=list)  # names only, for the timeline
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["partner", "idem"], name="xb_outbox_idem")]


class InboundMessage(KinlinkModel):
    """The inbox: one row per message processed. ``message_id`` is unique: a second copy is
    refused as a replay (at-most-once)."""

    message_id = models.UUIDField(unique=True)
    partner = models.ForeignKey(PartnerNode, on_delete=models.PROTECT, related_name="inbox")
    request = models.ForeignKey(
        CrossBorderRequest, null=True, on_delete=models.CASCADE, related_name="inbound"
    )
    type = models.CharField(max_length=30)
    idem = models.CharField(max_length=100)
    issued_at = models.DateTimeField()
    channel = models.CharField(max_length=5)  # https | file
    signed = EncryptedTextField()  # the sender's JWS, kept as signed evidence

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["partner", "idem"], name="xb_inbox_idem")]


class HeldMessage(KinlinkModel):
    """A follow-on message that carries a matched child's details to the partner that asked
    for them (an information request built from a cross-border tracing match), held until a
    supervisor approves: details are exchanged with approval on both sides. It is kept
    unsealed, because an envelope is only valid for a short time window: it is sealed when
    it leaves, on approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        SENT = "sent", _("Approved and sent")
        RETURNED = "returned", _("Returned by the supervisor")

    request = models.ForeignKey(CrossBorderRequest, on_delete=models.CASCADE, related_name="held")
    type = models.CharField(max_length=30)
    fields = EncryptedJSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)


class TimelineEntry(KinlinkModel):
    """The shared timeline of a request: what was sent and received, in order."""

    request = models.ForeignKey(
        CrossBorderRequest, on_delete=models.CASCADE, related_name="timeline"
    )
    at = models.DateTimeField()
    direction = models.CharField(max_length=5)  # out | in | local
    kind = models.CharField(max_length=30)
    message_id = models.UUIDField(null=True, blank=True)
    data = EncryptedJSONField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "created_at"]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if can(user, "exchange"):
            return Q()
        return request_scope_q(user, action, "request__")
