"""This node (its description and key pairs) and its partner nodes.

Every function is atomic and validating; bad input raises ValidationError and stores nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.core import audit

from . import protocol
from .common import require as _require
from .models import (
    NodeKey,
    NodeProfile,
    PartnerNode,
)

NODE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,62}$")
KEY_GRACE = timedelta(days=30)  # retired keys stay published (and decrypt) this long


# --------------------------------------------------------------------------- this node


def node_setup(*, actor=None, node_id: str, country: str, agency: str, endpoint: str):
    """Describe this node and create its first key pairs (idempotent for the keys)."""
    if actor is not None:
        _require(actor, "manage_exchange")
    errors: dict[str, list[str]] = {}
    if not NODE_ID_RE.match(node_id or ""):
        errors["node_id"] = [_("Use 2–63 lower-case letters, digits, dots or hyphens.")]
    if not re.fullmatch(r"[A-Z]{2}", country or ""):
        errors["country"] = [_("Use a two-letter country code.")]
    if not (agency or "").strip():
        errors["agency"] = [_("This field is required.")]
    if not (endpoint or "").startswith("https://"):
        errors["endpoint"] = [_("The address must start with https://.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _created = NodeProfile.objects.update_or_create(
            pk=1,
            defaults={
                "node_id": node_id,
                "country": country,
                "agency": agency.strip(),
                "endpoint": endpoint.rstrip("/"),
            },
        )
        for use in (NodeKey.Use.SIG, NodeKey.Use.ENC):
            if not NodeKey.objects.filter(use=use, retired_at__isnull=True).exists():
                _new_key(use)
        audit.record(actor=actor, action="change", obj=profile, detail={"node_id": node_id})
    return profile


def _new_key(use: str) -> NodeKey:
    key = protocol.new_signing_key() if use == "sig" else protocol.new_encryption_key()
    return NodeKey.objects.create(
        use=use,
        kid=key.thumbprint(),
        private_jwk=key.as_dict(private=True),
        public_jwk=protocol.public_jwk(key),
    )


def node_rotate_keys(*, actor) -> None:
    """New key pairs; the old ones are retired (still published and accepted for the grace
    period, so messages in flight and partners that have not re-read the keys still work).
    Partners must confirm the new fingerprint out of band."""
    _require(actor, "manage_exchange")
    with transaction.atomic():
        now = timezone.now()
        old = list(NodeKey.objects.filter(retired_at__isnull=True).values_list("kid", flat=True))
        NodeKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
        _new_key("sig")
        _new_key("enc")
        audit.record(
            actor=actor,
            action="key_rotation",
            object_type="exchange.nodekey",
            detail={"retired": old},
        )


def _published_keys():
    cutoff = timezone.now() - KEY_GRACE
    keys = NodeKey.objects.filter(models_q_retired_after(cutoff)).order_by(
        "retired_at", "-created_at"
    )
    # current keys first (retired_at NULL sorts first on both databases with this ordering)
    current = [k for k in keys if k.retired_at is None]
    retired = [k for k in keys if k.retired_at is not None]
    return current + retired


def models_q_retired_after(cutoff):
    from django.db.models import Q

    return Q(retired_at__isnull=True) | Q(retired_at__gt=cutoff)


def node_profile() -> NodeProfile | None:
    return NodeProfile.objects.filter(pk=1).first()


def node_document() -> dict | None:
    """What /.well-known/kinlink-node publishes: description and public keys (JWKS)."""
    profile = node_profile()
    if profile is None:
        return None
    jwks = {"keys": [k.public_jwk for k in _published_keys()]}
    return {
        "kinlink_exchange": protocol.PROTOCOL_VERSION,
        "node_id": profile.node_id,
        "country": profile.country,
        "agency": profile.agency,
        "endpoint": profile.endpoint,
        "inbox": profile.endpoint + "/exchange/inbox",
        "jwks": jwks,
        "fingerprint": protocol.fingerprint(jwks),
        "algorithms": {
            "sign": protocol.SIG_ALG,
            "key_management": protocol.KEY_ALG,
            "content": protocol.ENC_ALG,
        },
    }


def local_node() -> protocol.LocalNode:
    from joserfc.jwk import ECKey

    profile = node_profile()
    if profile is None:
        raise ValidationError(_("This node is not set up for cross-border exchange yet."))
    keys = _published_keys()
    sig = next(k for k in keys if k.use == "sig")
    return protocol.LocalNode(
        node_id=profile.node_id,
        signing_key=ECKey.import_key(sig.private_jwk),
        decryption_keys=[ECKey.import_key(k.private_jwk) for k in keys if k.use == "enc"],
    )


# --------------------------------------------------------------------------- partners


def _validate_jwks(jwks) -> dict:
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValidationError({"jwks": [_("Paste the partner's key set (JSON with 'keys').")]})
    uses = set()
    try:
        for jwk in jwks["keys"]:
            protocol.import_public(jwk)
            uses.add(jwk["use"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError({"jwks": [_("Invalid key: %(error)s") % {"error": exc}]}) from None
    if uses != {"sig", "enc"} or len(jwks["keys"]) > 8:
        raise ValidationError({"jwks": [_("The key set needs a signing and an encryption key.")]})
    return {
        "keys": [
            protocol.public_jwk(protocol.import_public(k)) | {"use": k["use"]} for k in jwks["keys"]
        ]
    }


def partner_add(*, actor, document: dict) -> PartnerNode:
    """Add a partner from its node document (its /.well-known/kinlink-node). It stays
    pending until an administrator confirms the key fingerprint out of band."""
    _require(actor, "manage_exchange")
    if not isinstance(document, dict):
        raise ValidationError(_("The node document must be a JSON object."))
    errors: dict[str, list[str]] = {}
    node_id = str(document.get("node_id", ""))
    endpoint = str(document.get("endpoint", "")).rstrip("/")
    country = str(document.get("country", ""))
    agency = str(document.get("agency", "")).strip()[:200]
    if not NODE_ID_RE.match(node_id):
        errors["node_id"] = [_("Use 2–63 lower-case letters, digits, dots or hyphens.")]
    if not endpoint.startswith("https://"):
        errors["endpoint"] = [_("The address must start with https://.")]
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = [_("Use a two-letter country code.")]
    if not agency:
        errors["agency"] = [_("This field is required.")]
    profile = node_profile()
    if profile and profile.node_id == node_id:
        errors["node_id"] = [_("This is this node's own id.")]
    if PartnerNode.objects.filter(node_id=node_id).exists():
        errors["node_id"] = [_("This partner is already registered.")]
    try:
        jwks = _validate_jwks(document.get("jwks"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        jwks = None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        partner = PartnerNode.objects.create(
            node_id=node_id,
            country=country,
            agency=agency,
            endpoint=endpoint,
            jwks=jwks,
            fingerprint=protocol.fingerprint(jwks),
        )
        audit.record(actor=actor, action="create", obj=partner, detail={"node_id": node_id})
    return partner


def _partner_for_change(actor, partner_id) -> PartnerNode:
    _require(actor, "manage_exchange")
    partner = PartnerNode.objects.select_for_update().filter(pk=partner_id).first()
    if partner is None:
        raise PermissionDenied(_("No such partner."))
    return partner


def partner_confirm(*, actor, partner_id, fingerprint: str) -> PartnerNode:
    """The fingerprint read to the administrator by the partner (phone, in person) must
    equal the one computed from the keys; compared in constant time."""
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        if not protocol.fingerprints_equal(fingerprint or "", partner.fingerprint):
            raise ValidationError(
                {"fingerprint": [_("The fingerprint does not match the partner's keys.")]}
            )
        partner.status = PartnerNode.Status.ACTIVE
        partner.confirmed_at = timezone.now()
        partner.confirmed_by = actor
        partner.status_reason = ""
        partner.save()
        audit.record(actor=actor, action="approve", obj=partner, detail={"confirmed": True})
    return partner


def partner_suspend(*, actor, partner_id, reason: str) -> PartnerNode:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        partner.status = PartnerNode.Status.SUSPENDED
        partner.status_reason = reason.strip()[:300]
        partner.save()
        audit.record(actor=actor, action="change", obj=partner, detail={"suspended": True})
    return partner


def partner_reactivate(*, actor, partner_id) -> PartnerNode:
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        if partner.status != PartnerNode.Status.SUSPENDED:
            raise ValidationError(_("Only a suspended partner can be reactivated."))
        partner.status = (
            PartnerNode.Status.ACTIVE if partner.confirmed_at else PartnerNode.Status.PENDING
        )
        partner.status_reason = ""
        partner.save()
        audit.record(actor=actor, action="change", obj=partner, detail={"suspended": False})
    return partner


def partner_set_keys(*, actor, partner_id, jwks: dict) -> PartnerNode:
    """The partner rotated its keys: store the new set; traffic waits for a new
    out-of-band fingerprint confirmation."""
    jwks = _validate_jwks(jwks)
    with transaction.atomic():
        partner = _partner_for_change(actor, partner_id)
        partner.jwks = jwks
        partner.fingerprint = protocol.fingerprint(jwks)
        if partner.status == PartnerNode.Status.ACTIVE:
            partner.status = PartnerNode.Status.PENDING
        partner.confirmed_at = None
        partner.save()
        audit.record(actor=actor, action="key_rotation", obj=partner, detail={"partner": True})
    return partner


def directory(node_id: str) -> protocol.Peer | None:
    partner = PartnerNode.objects.filter(node_id=node_id).first()
    if partner is None:
        return None
    return protocol.Peer(partner.node_id, partner.status, partner.jwks)
