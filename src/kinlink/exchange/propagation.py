"""Withdrawal, consent withdrawal and corrections: sent to the partners that received the
data, and applied here when a partner withdraws what it sent (docs/exchange/withdrawal.md)."""

from __future__ import annotations

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinlink.alerts import engine
from kinlink.core import audit

from .common import S
from .common import require as _require
from .models import CrossBorderRequest
from .outbound import _follow_on, _own_request, _timeline, request_prefill

REVIEW_OUTCOMES = {
    "removed": gettext_lazy("The partner's data was removed from the case"),
    "own_basis": gettext_lazy("The case is kept under this agency's own legal basis"),
    "closed": gettext_lazy("The case is being closed"),
}


def request_withdraw(*, actor, request_id, reason: str = "withdrawn") -> CrossBorderRequest:
    """Withdraw a sent request (or revoke a transfer): the partner restricts its copy."""
    _require(actor, "work_case", "exchange")
    with transaction.atomic():
        req = _own_request(actor, request_id)
        _restrict_outbound(
            req, "transfer_revoked" if req.kind == "case_transfer" else reason, actor=actor
        )
    return req


def _restrict_outbound(req, reason: str, actor=None) -> None:
    if req.direction != "out" or req.restricted_at or req.status in (S.DRAFT, S.BLOCKED):
        return
    if req.status == S.PENDING_APPROVAL:
        req.status = S.DRAFT
        req.save()
        return
    _follow_on(req, "restriction", {"reason": reason}, actor=actor, idem=f"restrict:{req.pk}")
    req.restricted_at = timezone.now()
    req.restriction_reason = reason
    req.status = S.WITHDRAWN
    req.save()
    if req.case_id:
        engine.schedule(req.case_id)  # the partner's deadlines no longer apply


def on_case_changed(case_id, what: str) -> None:
    """Consent withdrawn → every partner that received data under it is told to restrict
    it. Child details corrected → partners get a correction of the fields they hold."""
    if what not in ("consent", "child"):
        return
    reqs = (
        CrossBorderRequest.objects.system("propagate consent and corrections")
        .filter(case_id=case_id, direction="out", restricted_at__isnull=True)
        .exclude(status__in=[S.DRAFT, S.BLOCKED, S.PENDING_APPROVAL, S.WITHDRAWN])
        .select_related("partner", "consent", "case__child")
    )
    for req in reqs:
        with transaction.atomic():
            req = CrossBorderRequest.objects.system("propagate").select_for_update().get(pk=req.pk)
            if what == "consent":
                if req.consent_id and req.consent.withdrawn_at:
                    _restrict_outbound(req, "consent_withdrawn")
                    audit.record(
                        actor=None,
                        action="change",
                        obj=req,
                        case_id=req.case_id,
                        detail={"restricted": "consent_withdrawn", "partner": req.partner.node_id},
                    )
            else:
                _propagate_correction(req)


def _propagate_correction(req) -> None:
    current = request_prefill(req.case, req.kind)
    sent = req.fields or {}
    changed = {k: v for k, v in current.items() if k in sent and sent[k] != v}
    if not changed:
        return
    _follow_on(req, "correction", {}, corrected=changed, idem=f"correct:{req.pk}:{uuid.uuid4()}")
    req.fields = {**sent, **changed}
    req.save(update_fields=["fields", "updated_at"])


# --------------------------------------------------------------------------- receiver


def restrict_received(req, reason: str, partner, now) -> dict:
    """The partner withdrew what it sent (consent withdrawn, request withdrawn, transfer
    revoked). Automatically, in the transaction that records the partner's message:

    * the received fields are erased and nothing more can be sent or received on the
      request (it is withdrawn);
    * the stored copies of the partner's signed messages are replaced by their SHA-256
      digest (evidence of what was received, without the content);
    * the linked local case, if any, is flagged: an ``xb_restricted`` alert for its
      caseworker and supervisor until the caseworker records a review
      (:func:`restriction_review`) — the local record of a child in this country rests on
      this agency's own duty and is not deleted by a machine.
    """
    req.fields = {}
    req.restricted_at = now
    req.restriction_reason = reason
    req.status = S.WITHDRAWN
    erased = 0
    for msg in req.inbound.all():
        if not msg.signed.startswith("sha256:"):
            msg.signed = "sha256:" + hashlib.sha256(msg.signed.encode()).hexdigest()
            msg.save(update_fields=["signed", "updated_at"])
            erased += 1
    if req.case_id:
        engine.schedule(req.case_id)
    return {
        "restricted": reason,
        "partner": partner.node_id,
        "messages_erased": erased,
        "case_flagged": bool(req.case_id),
    }


def restriction_review(*, actor, request_id, outcome: str, note: str) -> CrossBorderRequest:
    """The caseworker (or supervisor) of the linked case records what was done with the case
    after the partner withdrew its data; the alert clears."""
    _require(actor, "work_case")
    with transaction.atomic():
        req = _own_request(actor, request_id)  # out of scope: PermissionDenied first
        errors: dict[str, list[str]] = {}
        if outcome not in REVIEW_OUTCOMES:
            errors["outcome"] = [_("Choose what was done.")]
        if not (note or "").strip():
            errors["note"] = [_("Say what you considered.")]
        if errors:
            raise ValidationError(errors)
        if req.direction != "in" or not req.restricted_at or req.case_id is None:
            raise ValidationError(_("Nothing was withdrawn on this request."))
        if req.restriction_reviewed_at:
            raise ValidationError(_("The review was already recorded."))
        req.restriction_reviewed_at = timezone.now()
        req.restriction_reviewed_by = actor
        req.restriction_outcome = outcome
        req.restriction_review = note.strip()
        req.save()
        _timeline(req, "local", "restriction_review", actor=actor, data={"outcome": outcome})
        audit.record(
            actor=actor,
            action="change",
            obj=req,
            case_id=req.case_id,
            detail={"restriction_review": outcome},
        )
        engine.schedule(req.case_id)
    return req
