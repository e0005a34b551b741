"""Reads of the exchange app, always scoped to the user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role
from kinlink.cases.models import Case

from .models import CrossBorderRequest, NodeProfile, PartnerNode, RequestStatus
from .profiles import LEGAL_BASIS_LABELS, TYPES

# Timeline entries of steps taken on this node only (not messages).
LOCAL_STEPS = {
    "draft": _("Draft prepared"),
    "harm_check": _("Do-no-harm check recorded"),
    "submitted": _("Sent for approval"),
    "returned": _("Returned by the supervisor"),
    "approved": _("Approved by the supervisor"),
    "restriction_review": _("Review after the partner's withdrawal recorded"),
}
OPEN_ACK = (RequestStatus.SENT, RequestStatus.RECEIVED)
OPEN_REPLY = (RequestStatus.SENT, RequestStatus.RECEIVED, RequestStatus.ACKNOWLEDGED)


def requests_list(*, user, limit: int = 200) -> list[CrossBorderRequest]:
    rows = list(
        CrossBorderRequest.objects.restrict(user, "view")
        .select_related("partner", "case")
        .order_by("-created_at")[:limit]
    )
    now = timezone.now()
    for r in rows:
        r.overdue = overdue(r, now)
    return rows


def overdue(req: CrossBorderRequest, now=None) -> list[str]:
    """Which deadline has passed (rule 43): "acknowledge" and/or "reply"."""
    now = now or timezone.now()
    out = []
    ack = req.acknowledge_due
    if ack and not req.acknowledged_at and req.status in OPEN_ACK and ack < now:
        out.append("acknowledge")
    reply = req.response_due
    if reply and not req.responded_at and req.status in OPEN_REPLY and reply < now:
        out.append("reply")
    return out


def overdue_requests(*, user) -> list[CrossBorderRequest]:
    return [r for r in requests_list(user=user) if r.overdue]


def case_requests(*, user, case) -> list[CrossBorderRequest]:
    """The requests about one case (both directions) that the user may see."""
    rows = list(
        CrossBorderRequest.objects.restrict(user, "view")
        .filter(case_id=case.pk)
        .select_related("partner")
        .order_by("-created_at")
    )
    now = timezone.now()
    for r in rows:
        r.overdue = overdue(r, now)
    return rows


def case_may_change(*, user, case) -> bool:
    return Case.objects.restrict(user, "change").filter(pk=case.pk).exists()


def node_ready() -> bool:
    """This node is set up and has at least one active partner to send to."""
    return (
        NodeProfile.objects.filter(pk=1).exists()
        and PartnerNode.objects.filter(status=PartnerNode.Status.ACTIVE).exists()
    )


def request_get(*, user, request_id) -> CrossBorderRequest:
    req = (
        CrossBorderRequest.objects.restrict(user, "view")
        .select_related("partner", "case", "consent")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        raise PermissionDenied
    req.overdue = overdue(req)
    return req


def case_for_request(*, user, case_id) -> Case:
    case = Case.objects.restrict(user, "change").select_related("child").filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    return case


def preview(req: CrossBorderRequest) -> dict:
    """Exactly what leaves the country with this request: the fields (label and value, in
    the profile's order) and what travels with them."""
    mt = TYPES.get(req.kind)
    values = req.fields or {}
    rows = [(f.label, values[f.name]) for f in (mt.fields if mt else ()) if f.name in values]
    if req.kind == "tracing_query":  # show what the encodings are, not 2 000 characters
        rows = [
            (
                label,
                _encodings_summary(values["encodings"])
                if value == values.get("encodings")
                else value,
            )
            for label, value in rows
        ]
    return {
        "rows": rows,
        "recipient": req.partner,
        "purpose": req.purpose,
        "legal_basis": LEGAL_BASIS_LABELS.get(req.legal_basis, req.legal_basis),
        "retention_days": req.retention_days,
        "ref": req.ref,
    }


def _encodings_summary(wire: str) -> str:
    filters = [part.partition(":")[0] for part in (wire or "").split(",") if part]
    return _("%(filters)s: %(n)s keyed bit-strings, %(chars)s characters") % {
        "filters": ", ".join(filters),
        "n": len(filters),
        "chars": len(wire or ""),
    }


def timeline(req: CrossBorderRequest):
    entries = list(req.timeline.all())
    for e in entries:
        mt = TYPES.get(e.kind)
        e.label = mt.label if mt else LOCAL_STEPS.get(e.kind, e.kind)
        fields = (e.data or {}).get("fields") or {}
        spec = {f.name: f.label for f in mt.fields} if mt else {}
        e.rows = [(spec.get(k, k), v) for k, v in fields.items()]
    return entries


def assignees(user):
    """Who may take an accepted inbound case: caseworkers and supervisors of the node."""
    return list(
        User.objects.filter(role__in=[Role.CASEWORKER, Role.SUPERVISOR], is_active=True)
        .exclude(office=None)
        .order_by("username")
    )
