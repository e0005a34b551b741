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
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from kinlink.core import audit
from kinlink.tracing import engine

from . import pprl, protocol
from .profiles import LEGAL_BASES

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


def _validate(type_: str, body: dict) -> None:
    env = protocol.envelope(type=type_, sender="xx", recipient="yy", body=body)
    try:
        protocol.validate_envelope(env)
    except protocol.Rejected as exc:
        raise ValidationError(exc.reason) from None


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
    _validate("tracing_query", body)
    return body


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
    _validate("tracing_result", result)
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
