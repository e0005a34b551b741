"""Privacy-preserving cross-border tracing: build an encoded tracing query from a trace, and
score an inbound one against this node's matchable children (docs/exchange/pprl.md).

Neither side sees the other's names: the query carries keyed Bloom filters
(kinlink.exchange.pprl), the answer only pseudonymous references of likely matches, each an
HMAC of (request ref, case id) under this node's secret — unlinkable across queries, no case
number, resolvable only here (:func:`resolve_reference`). The details are exchanged
afterwards, by an ordinary request that each side's caseworker prepares and a supervisor
approves.

The network key (shared by the partners of a tracing network, agreed out of band like the
fingerprints) comes from ``settings.KINLINK_PPRL_NETWORK_KEY`` (base64, ≥ 16 bytes), or is
passed explicitly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.core import audit
from kinlink.tracing import engine

from . import pprl
from .common import S
from .common import require as _require
from .models import CrossBorderRequest, PartnerNode
from .outbound import (
    _own_request,
    _request_body,
    _send_request,
    _timeline,
    _validate_body,
    check_envelope,
    clean_fields,
)
from .profiles import LEGAL_BASES

log = logging.getLogger(__name__)

LIKELY = pprl.LIKELY  # probability from which a candidate is reported as a likely match
MAX_RESULTS = 5  # the tracing_result profile has room for five references


def network_key() -> bytes:
    raw = getattr(settings, "KINLINK_PPRL_NETWORK_KEY", "")
    try:
        key = base64.b64decode(raw, validate=True) if raw else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < 16:
        raise ImproperlyConfigured(
            "KINLINK_PPRL_NETWORK_KEY must be the base64 of at least 16 random bytes"
        )
    return key


# --------------------------------------------------------------------------- outbound


def tracing_query_body(
    trace,
    *,
    purpose: str,
    legal_basis: str,
    retention_days: int = 90,
    urgent: bool = False,
    ref: str | None = None,
    key: bytes | None = None,
    max_results: int = MAX_RESULTS,
) -> dict:
    """The body of an outbound ``tracing_query`` for one trace (a sought child): encodings
    only, no name, no date. Refused when the enquirer did not agree to share the request."""
    if not trace.request.consent_to_share:
        raise ValidationError(_("The enquirer did not agree to share the request."))
    if legal_basis not in LEGAL_BASES:
        raise ValidationError({"legal_basis": [_("Choose a legal basis.")]})
    enc = pprl.encode(engine.trace_record(trace), key or network_key())
    if not enc.filters:
        raise ValidationError(_("The trace has nothing to search with."))
    body = {
        "ref": ref or str(uuid.uuid4()),
        "purpose": (purpose or "").strip()[:200],
        "legal_basis": legal_basis,
        "retention_days": int(retention_days),
        "urgent": bool(urgent),
        "fields": {
            "pprl_version": pprl.PPRL_VERSION,
            "encodings": pprl.to_wire(enc),
            "max_results": max(1, min(MAX_RESULTS, int(max_results))),
        },
    }
    check_envelope("tracing_query", body)
    return body


def pprl_ready() -> bool:
    """The network key of the tracing network is configured on this node."""
    try:
        network_key()
    except ImproperlyConfigured:
        return False
    return True


def query_trace(*, user, trace_id):
    """A trace the user may change (the caseworker of the tracing request, or a supervisor
    of its office); PermissionDenied (a 404 on a page) otherwise."""
    from kinlink.tracing.models import Trace

    trace = (
        Trace.objects.restrict(user, "change")
        .select_related("request", "request__office")
        .filter(pk=trace_id)
        .first()
    )
    if trace is None:
        raise PermissionDenied(_("No such trace."))
    return trace


def tracing_query_draft(
    *,
    actor,
    trace_id,
    partner_id,
    purpose: str,
    legal_basis: str,
    urgent: bool = False,
    retention_days: int = 90,
) -> CrossBorderRequest:
    """A caseworker prepares an encoded tracing query about one trace to one active,
    confirmed partner. Stored as an outbound draft (no case; linked to the trace) whose
    fields are the encodings only. Refused, and nothing stored, when the enquirer did not
    agree to share the request, for a closed request, or with bad input."""
    _require(actor, "work_case")
    trace = query_trace(user=actor, trace_id=trace_id)
    if not trace.request.consent_to_share:
        raise ValidationError(_("The enquirer did not agree to share the request."))
    if trace.request.status != "open":
        raise ValidationError(_("The tracing request is closed."))
    partner = PartnerNode.objects.filter(pk=partner_id).first() if partner_id else None
    errors: dict[str, list[str]] = {}
    if (
        partner is None
        or partner.status != PartnerNode.Status.ACTIVE
        or partner.confirmed_at is None
    ):
        errors["partner"] = [_("Choose an active partner.")]
    if legal_basis not in LEGAL_BASES:
        errors["legal_basis"] = [_("Choose a legal basis.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("State the purpose.")]
    try:
        retention_days = int(retention_days)
    except (TypeError, ValueError):
        retention_days = 0
    if not 1 <= retention_days <= 3650:
        errors["retention_days"] = [_("Between 1 and 3650 days.")]
    if errors:
        raise ValidationError(errors)
    try:
        body = tracing_query_body(
            trace,
            purpose=purpose,
            legal_basis=legal_basis,
            retention_days=retention_days,
            urgent=urgent,
        )
    except ImproperlyConfigured:
        raise ValidationError(
            _("Cross-border tracing is not set up on this node (no network key).")
        ) from None
    req = CrossBorderRequest(
        ref=body["ref"],
        direction=CrossBorderRequest.Direction.OUT,
        partner=partner,
        kind="tracing_query",
        case=None,
        trace=trace,
        urgent=body["urgent"],
        purpose=body["purpose"],
        legal_basis=legal_basis,
        retention_days=retention_days,
        fields=body["fields"],
        created_by=actor,
    )
    with transaction.atomic():
        req.save()
        _timeline(req, "local", "draft", actor=actor)
        audit.record(
            actor=actor,
            action="create",
            obj=req,
            detail={
                "kind": "tracing_query",
                "partner": partner.node_id,
                "trace": str(trace.pk),
                "tracing_request": str(trace.request_id),
            },
        )
    return req


def trace_consent_problem(req: CrossBorderRequest) -> str:
    """Why an encoded tracing query may not leave now ("" when it may)."""
    from kinlink.tracing.models import Trace

    trace = Trace.objects.system("tracing query").select_related("request").get(pk=req.trace_id)
    if not trace.request.consent_to_share:
        return _("The enquirer did not agree to share the request.")
    if req.partner.status != PartnerNode.Status.ACTIVE:
        return _("The partner is suspended.")
    return ""


def tracing_query_decide(*, actor, request_id, approve: bool | None, reason: str = ""):
    """A supervisor of the tracing request's office — not the caseworker who prepared it
    (four eyes) — approves (the query is sealed and put in the outbox, with the deadlines of
    any request) or declines with a reason (it goes back to the caseworker as a draft,
    nothing is sent)."""
    _require(actor, "approve")
    reason = (reason or "").strip()
    with transaction.atomic():
        req = _own_request(actor, request_id)
        if req.direction != "out" or req.trace_id is None:
            raise ValidationError(_("Only a request built from a trace is decided here."))
        if req.status != S.PENDING_APPROVAL:
            raise ValidationError(_("This request is not waiting for approval."))
        if req.created_by_id == actor.pk:
            raise ValidationError(
                _("You prepared this request: another supervisor must approve it (four eyes).")
            )
        if approve is None:
            raise ValidationError({"decision": [_("Approve or decline.")]})
        if not approve and not reason:
            raise ValidationError({"reason": [_("Give the reason for declining.")]})
        if approve:
            problem = trace_consent_problem(req)
            if problem:
                raise ValidationError(problem)
        req.approval_decided_at = timezone.now()
        req.approval_reason = reason
        if approve:
            req.approved_by = actor
            _timeline(req, "local", "approved", actor=actor)
            _send_request(req, actor)
        else:
            req.status = S.DRAFT
            req.save()
            _timeline(req, "local", "returned", actor=actor)
        audit.record(
            actor=actor,
            action="approve" if approve else "reject",
            obj=req,
            detail={"kind": req.kind, "ref": str(req.ref), "approved": bool(approve)},
        )
    return req


DETAILS_PURPOSE = "Details of a likely match of an encoded tracing query"


def tracing_details_draft(
    *, actor, request_id, reference: str, information_sought: str = ""
) -> CrossBorderRequest:
    """After a partner's tracing_result, the caseworker asks for the details of one likely
    match: an ordinary outbound ``information_request`` (a draft, then the do-no-harm check
    and a supervisor's approval like the query) that names the query and the partner's
    pseudonymous reference. From our side it carries only what the information-request
    profile requires: the sought child's given name and what is asked."""
    _require(actor, "work_case")
    query = (
        CrossBorderRequest.objects.restrict(actor, "change")
        .select_related("partner")
        .filter(pk=request_id, direction="out", kind="tracing_query", trace__isnull=False)
        .first()
    )
    if query is None:
        raise PermissionDenied(_("No such request."))
    trace = query_trace(user=actor, trace_id=query.trace_id)
    reference = (reference or "").strip()
    if reference not in {row["reference"] for row in result_rows(query)}:
        raise ValidationError({"reference": [_("This is not a likely match of the query.")]})
    if query.restricted_at:
        raise ValidationError(_("The query was withdrawn."))
    if not trace.request.consent_to_share:
        raise ValidationError(_("The enquirer did not agree to share the request."))
    if query.partner.status != PartnerNode.Status.ACTIVE:
        raise ValidationError(_("The partner is suspended."))
    asked = CrossBorderRequest.objects.system("tracing details").filter(
        trace_id=trace.pk, direction="out", kind="information_request"
    )
    for other in asked.exclude(status=S.WITHDRAWN):
        if (other.fields or {}).get("tracing_reference") == reference:
            raise ValidationError(_("The details of this likely match were already asked for."))
    given = trace.given_name or trace.family_name or trace.other_names
    sought = (information_sought or "").strip() or _(
        "Identity, situation and contacts of the child behind this reference, to verify "
        "the match with the enquirer."
    )
    fields = clean_fields(
        "information_request",
        {
            "child_given_name": given[:200],
            "information_sought": sought[:4000],
            "tracing_query_ref": str(query.ref),
            "tracing_reference": reference,
        },
    )
    req = CrossBorderRequest(
        ref=uuid.uuid4(),
        direction=CrossBorderRequest.Direction.OUT,
        partner=query.partner,
        kind="information_request",
        case=None,
        trace=trace,
        urgent=query.urgent,
        purpose=DETAILS_PURPOSE,
        legal_basis=query.legal_basis,
        retention_days=query.retention_days,
        fields=fields,
        created_by=actor,
    )
    _validate_body("information_request", _request_body(req))
    with transaction.atomic():
        req.save()
        _timeline(req, "local", "draft", actor=actor)
        audit.record(
            actor=actor,
            action="create",
            obj=req,
            detail={
                "kind": "information_request",
                "partner": query.partner.node_id,
                "tracing_query": str(query.ref),
                "trace": str(trace.pk),
            },
        )
    return req


def link_details_request(req: CrossBorderRequest) -> None:
    """Receiver: an inbound ``information_request`` that names one of our pseudonymous
    references (of a query this partner sent us) is linked to the case behind it, so that
    the child's caseworker sees it on the case and a coordinator decides. Nothing is linked
    when the query is unknown, withdrawn, or the child no longer matchable (consent)."""
    f = req.fields or {}
    query_ref, reference = f.get("tracing_query_ref"), f.get("tracing_reference")
    if not (query_ref and reference):
        return
    query = (
        CrossBorderRequest.objects.system("link tracing details")
        .filter(partner=req.partner, direction="in", kind="tracing_query", ref=str(query_ref))
        .first()
        if _is_uuid(query_ref)
        else None
    )
    if query is None or query.restricted_at:
        return
    case = resolve_reference(str(query.ref), str(reference))
    if case is None:
        return
    req.case = case
    req.save(update_fields=["case", "updated_at"])
    audit.record(
        actor=None,
        action="change",
        obj=req,
        case_id=case.pk,
        detail={"linked_by_reference": True, "partner": req.partner.node_id},
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def pending_query_approvals(*, user) -> list[CrossBorderRequest]:
    """Encoded tracing queries waiting for this supervisor's decision (not their own)."""
    from kinlink.accounts.roles import can

    if not can(user, "approve"):
        return []
    return list(
        CrossBorderRequest.objects.restrict(user, "change")
        .filter(direction="out", trace__isnull=False, status=S.PENDING_APPROVAL)
        .exclude(created_by=user)
        .select_related("partner", "trace__request")
        .order_by("created_at")
    )


def result_rows(req: CrossBorderRequest) -> list[dict]:
    """The likely matches of a received tracing_result: reference and probability, best
    first (the partner sends them in that order)."""
    fields = req.result or {}
    rows = []
    for i in range(1, MAX_RESULTS + 1):
        ref = fields.get(f"match_{i}")
        if ref:
            rows.append({"reference": ref, "score": fields.get(f"score_{i}")})
    return rows


def trace_queries(*, user, trace) -> list[CrossBorderRequest]:
    """The encoded tracing queries sent about one trace that the user may see, each with
    the partner's answer (``matches``) once it arrived and, per likely match, the request
    for its details if one was prepared (``details``)."""
    rows = list(
        CrossBorderRequest.objects.restrict(user, "view")
        .filter(direction="out", trace_id=trace.pk)
        .select_related("partner")
        .order_by("-created_at")
    )
    asked = {
        (r.fields or {}).get("tracing_reference"): r
        for r in rows
        if r.kind == "information_request" and r.status != S.WITHDRAWN
    }
    queries = [r for r in rows if r.kind == "tracing_query"]
    for r in queries:
        r.matches = result_rows(r)
        for m in r.matches:
            m["details"] = asked.get(m["reference"])
        r.match_count = (r.result or {}).get("match_count")
    return queries


# --------------------------------------------------------------------------- inbound


def pseudonym(ref: str, case_id) -> str:
    """The reference of one of our cases in the answer to request ``ref`` (a UUID-shaped
    HMAC under this node's secret: different for every request, meaningless elsewhere)."""
    secret = hashlib.sha256(b"kinlink.exchange.pprl.reference:" + settings.SECRET_KEY.encode())
    mac = hmac.new(secret.digest(), f"{ref}/{case_id}".encode(), hashlib.sha256).digest()
    return str(uuid.UUID(bytes=mac[:16], version=4))


def encoded_children(key: bytes) -> pprl.EncodedIndex:
    """This node's matchable children (tracing consent, rule 13), encoded."""
    idx = pprl.EncodedIndex()
    for case in engine.matchable_cases():
        idx.add(str(case.pk), pprl.encode(engine.case_record(case), key))
    return idx


def score_tracing_query(body: dict, *, key: bytes | None = None, threshold: float = LIKELY) -> dict:
    """Score an inbound ``tracing_query`` body against this node's matchable children and
    return the ``tracing_result`` body: pseudonymous references (and probabilities) of the
    likely matches only — no names, no case numbers, nothing about the others. Raises
    ValueError for another encoding version or malformed encodings."""
    return _score(body, key=key, threshold=threshold)[0]


def _score(body: dict, *, key: bytes | None, threshold: float) -> tuple[dict, int]:
    fields = body.get("fields") or {}
    if fields.get("pprl_version") != pprl.PPRL_VERSION:  # a partner's error, not a user's
        raise ValueError("unsupported PPRL encoding version")
    query = pprl.from_wire(fields.get("encodings", ""))  # ValueError when malformed
    limit = max(1, min(MAX_RESULTS, int(fields.get("max_results") or MAX_RESULTS)))
    idx = encoded_children(key or network_key())
    likely = [
        (case_id, pprl.probability(s))
        for case_id, s in idx.search(query, top_k=limit)
        if pprl.probability(s) >= threshold
    ]
    out: dict = {"pprl_version": pprl.PPRL_VERSION, "match_count": len(likely)}
    for i, (case_id, p) in enumerate(likely, start=1):
        out[f"match_{i}"] = pseudonym(body["ref"], case_id)
        out[f"score_{i}"] = int(round(100 * p))
    result = {"ref": body["ref"], "fields": out}
    check_envelope("tracing_result", result)
    return result, len(idx)


def answer_tracing_query(request, *, key: bytes | None = None) -> dict:
    """The ``tracing_result`` body for a received ``tracing_query`` (a CrossBorderRequest
    stored by the inbox). Every scoring is audited as a search of the register on the
    partner's behalf: which partner, how many children were scored, how many likely
    matches — no child data."""
    if request.direction != "in" or request.kind != "tracing_query":
        raise ValueError("not a received tracing query")
    body = {"ref": str(request.ref), "fields": request.fields or {}}
    result, scored = _score(body, key=key, threshold=LIKELY)
    audit.record(
        actor=None,
        action="search",
        obj=request,
        detail={
            "tracing_query": str(request.ref),
            "partner": request.partner.node_id,
            "scored": scored,
            "likely": result["fields"]["match_count"],
        },
    )
    return result


def resolve_reference(ref: str, reference: str):
    """The case behind one of our pseudonymous references (after both sides approved the
    exchange of details), or None if it is not — or no longer — a matchable case."""
    for case in engine.matchable_cases():
        if hmac.compare_digest(pseudonym(ref, case.pk), reference):
            return case
    return None


def send_tracing_answer(request_id) -> int | None:
    """Answer a received ``tracing_query`` (run as a task on receipt): score it, send the
    ``tracing_result`` through the outbox and mark the query answered. The answer holds only
    pseudonymous references and scores, so it needs no person's decision; the scoring is
    audited (:func:`answer_tracing_query`) and so is the disclosure. Returns the number of
    likely matches, or None when nothing was sent (already answered, restricted, the partner
    suspended, no network key, or encodings this node cannot read)."""
    from .outbound import _follow_on

    with transaction.atomic():
        req = (
            CrossBorderRequest.objects.system("answer a tracing query")
            .select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk=request_id, direction="in", kind="tracing_query")
            .first()
        )
        if req is None or req.responded_at or req.restricted_at:
            return None
        if req.partner.status != PartnerNode.Status.ACTIVE:
            return None
        try:
            result = answer_tracing_query(req)
        except (ImproperlyConfigured, ValueError) as exc:
            log.warning("tracing query %s not answered: %s", req.pk, exc)
            return None
        _follow_on(req, "tracing_result", result["fields"], idem=f"tracing_result:{req.ref}")
        now = timezone.now()
        req.acknowledged_at = req.acknowledged_at or now
        req.responded_at = now
        req.status = S.COMPLETED
        req.save(update_fields=["acknowledged_at", "responded_at", "status", "updated_at"])
        return result["fields"]["match_count"]
