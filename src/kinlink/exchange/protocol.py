"""The exchange protocol: keys, envelope, seal (JWS inside JWE) and open, with every rejection.

Pure library: no database access. The caller passes the node's own keys and a look-up of
partners (``Directory``); replay protection by message id is the caller's job, in the
database (services.inbox_receive), so that it holds across processes.

Wire format (docs/exchange/protocol.md):

- envelope (JSON, UTF-8): ``{"kl": "1.0", "id", "type", "from", "to", "iat", "idem", "body"}``;
- signed: JWS compact (RFC 7515), ``alg`` ES256 (P-256), protected header
  ``{"alg": "ES256", "kid": <sender signing key thumbprint>, "typ": "kinlink+jws"}``;
- encrypted: JWE compact (RFC 7516) of the JWS text, ``alg`` ECDH-ES+A256KW (P-256), ``enc``
  A256GCM, protected header ``{"alg", "enc", "kid": <recipient encryption key thumbprint>,
  "cty": "kinlink+jws", "kl_from": <sender node id>, "kl_to": <recipient node id>, "epk"}``;
- key ids are RFC 7638 thumbprints, so a kid cannot be claimed by another key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import jsonschema
from joserfc import jwe, jws
from joserfc.jwk import ECKey
from joserfc.registry import HeaderParameter

from .profiles import PROTOCOL_VERSION, TYPES
from .schemas import all_schemas, receipt_schema

SIG_ALG = "ES256"
KEY_ALG = "ECDH-ES+A256KW"
ENC_ALG = "A256GCM"
CURVE = "P-256"
JWS_TYP = "kinlink+jws"
MAX_TOKEN_BYTES = 256 * 1024  # a sealed message; attachments travel separately
MAX_HEADER_BYTES = 2048
PAST_WINDOW_SECONDS = 15 * 60  # messages older than this are refused (replay window)
FUTURE_SKEW_SECONDS = 5 * 60

_JWE_REGISTRY = jwe.JWERegistry(
    algorithms=[KEY_ALG, ENC_ALG],
    header_registry={
        "kl_from": HeaderParameter("Kinlink sender node id", "str", True),
        "kl_to": HeaderParameter("Kinlink recipient node id", "str", True),
    },
)
_JWS_REGISTRY = jws.JWSRegistry(algorithms=[SIG_ALG])


class Rejected(Exception):
    """A message refused, with a machine code and a clear reason (never child data)."""

    def __init__(self, code: str, reason: str, *, status: int = 400):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.status = status


# Every rejection code, for the documentation and the inbox's answers.
REJECTIONS = {
    "oversized": "The message is larger than the inbox accepts.",
    "malformed": "The message is not a well-formed JWE / JWS / JSON document.",
    "unknown_sender": "The sender is not a confirmed partner of this node.",
    "suspended_sender": "The sender is suspended on this node.",
    "wrong_recipient": "The message is addressed to another node.",
    "undecryptable": "The message cannot be decrypted with this node's keys (or was altered).",
    "bad_signature": "The signature does not verify with the sender's published keys.",
    "wrong_version": "The schema version is not supported.",
    "stale": "The message was issued outside the accepted time window.",
    "replay": "A message with this id was already received.",
    "unknown_type": "The message type is not part of the protocol.",
    "field_outside_profile": "A field is outside the minimum profile of the message type.",
    "invalid": "The message does not match the schema of its type.",
    "rate_limited": "Too many tracing queries from this partner; the sender retries later.",
}


def _reject(code: str, detail: str = "", status: int = 400) -> Rejected:
    reason = REJECTIONS[code] + (f" ({detail})" if detail else "")
    return Rejected(code, reason, status=status)


# --------------------------------------------------------------------------- keys


def new_signing_key() -> ECKey:
    return ECKey.generate_key(CURVE, parameters={"use": "sig", "alg": SIG_ALG}, auto_kid=True)


def new_encryption_key() -> ECKey:
    return ECKey.generate_key(CURVE, parameters={"use": "enc", "alg": KEY_ALG}, auto_kid=True)


def public_jwk(key: ECKey) -> dict:
    d = key.as_dict(private=False)
    d["kid"] = key.thumbprint()
    return {k: d[k] for k in ("kty", "crv", "x", "y", "kid", "use", "alg") if k in d}


def import_public(jwk: dict) -> ECKey:
    """A partner's public key; refuses private parts, other curves and a kid that is not the
    key's own thumbprint."""
    if not isinstance(jwk, dict) or "d" in jwk:
        raise ValueError("a public JWK without private parts is required")
    if jwk.get("kty") != "EC" or jwk.get("crv") != CURVE:
        raise ValueError("keys must be EC P-256")
    if jwk.get("use") not in ("sig", "enc"):
        raise ValueError("each key needs use 'sig' or 'enc'")
    key = ECKey.import_key({k: jwk[k] for k in ("kty", "crv", "x", "y")})
    if jwk.get("kid") and jwk["kid"] != key.thumbprint():
        raise ValueError("kid must be the key's RFC 7638 thumbprint")
    return key


def fingerprint(jwks: dict) -> str:
    """What two administrators read to each other: SHA-256 over the sorted key thumbprints
    of the published key set, as 16 groups of four hex digits."""
    prints = sorted(import_public(k).thumbprint() for k in jwks.get("keys", []))
    digest = hashlib.sha256("\n".join(prints).encode("ascii")).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, 64, 4))


def fingerprints_equal(a: str, b: str) -> bool:
    def norm(s: str) -> bytes:
        return "".join(ch for ch in s.upper() if ch in "0123456789ABCDEF").encode("ascii")

    return hmac.compare_digest(norm(a), norm(b))


@dataclass
class LocalNode:
    """This node: id, and its private keys (signing key used for new messages; every
    decryption key still accepted, newest first)."""

    node_id: str
    signing_key: ECKey
    decryption_keys: list[ECKey]


@dataclass
class Peer:
    node_id: str
    status: str  # "active", "suspended", "pending"
    jwks: dict = field(default_factory=dict)

    def keys(self, use: str) -> dict[str, ECKey]:
        out = {}
        for jwk in self.jwks.get("keys", []):
            if jwk.get("use") == use:
                key = import_public(jwk)
                out[key.thumbprint()] = key
        return out

    def encryption_key(self) -> ECKey:
        keys = [k for k in self.jwks.get("keys", []) if k.get("use") == "enc"]
        if not keys:
            raise ValueError("the partner publishes no encryption key")
        return import_public(keys[0])  # the first published key is the current one


Directory = Callable[[str], Peer | None]


# --------------------------------------------------------------------------- envelope


def envelope(
    *,
    type: str,
    sender: str,
    recipient: str,
    body: dict,
    idem: str | None = None,
    message_id: str | None = None,
    iat: int | None = None,
) -> dict:
    return {
        "kl": PROTOCOL_VERSION,
        "id": message_id or str(uuid.uuid4()),
        "type": type,
        "from": sender,
        "to": recipient,
        "iat": int(time.time()) if iat is None else iat,
        "idem": idem or str(uuid.uuid4()),
        "body": body,
    }


def _canonical(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@lru_cache(maxsize=64)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(all_schemas()[name])


def validate_envelope(env: dict) -> None:
    """Schema checks of an envelope and its body, as the receiver does them."""
    if not isinstance(env, dict):
        raise _reject("malformed", "the payload is not a JSON object")
    if env.get("kl") != PROTOCOL_VERSION:
        raise _reject("wrong_version", f"this node speaks {PROTOCOL_VERSION}")
    errors = list(_validator("envelope").iter_errors(env))
    if errors:
        if any(e.path and e.path[0] == "type" for e in errors):
            raise _reject("unknown_type")
        raise _reject("invalid", _where(errors[0]))
    errors = sorted(_validator(env["type"]).iter_errors(env["body"]), key=lambda e: len(e.path))
    for e in errors:
        if e.validator == "additionalProperties" and list(e.path)[:1] in (
            ["fields"],
            ["corrected"],
        ):
            raise _reject("field_outside_profile", _extra_names(e))
    if errors:
        raise _reject("invalid", _where(errors[0]))


def _where(error) -> str:
    path = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"at {path}: {error.validator}"


def _extra_names(error) -> str:
    allowed = set(error.schema.get("properties", {}))
    extra = sorted(k for k in error.instance if k not in allowed)
    return ", ".join(extra)[:200]


# --------------------------------------------------------------------------- seal / open


def seal(env: dict, *, local: LocalNode, peer: Peer) -> str:
    """Sign the envelope with our key, then encrypt the JWS to the partner's key."""
    validate_envelope(env)
    if env["from"] != local.node_id or env["to"] != peer.node_id:
        raise ValueError("envelope sender/recipient do not match the keys")
    signed = jws.serialize_compact(
        {"alg": SIG_ALG, "kid": local.signing_key.thumbprint(), "typ": JWS_TYP},
        _canonical(env),
        local.signing_key,
        registry=_JWS_REGISTRY,
    )
    enc_key = peer.encryption_key()
    header = {
        "alg": KEY_ALG,
        "enc": ENC_ALG,
        "kid": enc_key.thumbprint(),
        "cty": JWS_TYP,
        "kl_from": local.node_id,
        "kl_to": peer.node_id,
    }
    return jwe.encrypt_compact(header, signed, enc_key, registry=_JWE_REGISTRY)


@dataclass
class Opened:
    envelope: dict
    sender: Peer
    signed: str  # the inner JWS, kept as the sender's signed evidence


def _b64decode_strict(segment: str) -> bytes:
    """base64url without padding, refusing non-canonical spellings (so that flipping an
    unused low bit of the last character cannot slip through)."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise _reject("malformed", "bad base64url") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != segment:
        raise _reject("malformed", "non-canonical base64url")
    return raw


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _split_compact(token: str, parts: int) -> list[str]:
    segs = token.split(".")
    if len(segs) != parts or any(not set(s) <= _B64URL for s in segs):
        raise _reject("malformed", f"expected {parts} base64url segments")
    for s in segs:
        if s:
            _b64decode_strict(s)
    return segs


def _header(segment: str) -> dict:
    if len(segment) > MAX_HEADER_BYTES:
        raise _reject("oversized", "protected header")
    try:
        header = json.loads(_b64decode_strict(segment))
    except (ValueError, UnicodeDecodeError):
        raise _reject("malformed", "protected header is not JSON") from None
    if not isinstance(header, dict):
        raise _reject("malformed", "protected header is not an object")
    return header


def open_message(
    token: str | bytes,
    *,
    local: LocalNode,
    directory: Directory,
    now: float | None = None,
) -> Opened:
    """Decrypt, verify and validate one message; raise ``Rejected`` on the first problem.

    Order: size, shape, addressing (sender known and active, recipient us), decryption,
    signature, envelope (version, addressing again, time window), body schema and profile.
    """
    if isinstance(token, bytes):
        if len(token) > MAX_TOKEN_BYTES:
            raise _reject("oversized", f"limit {MAX_TOKEN_BYTES} bytes", status=413)
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise _reject("malformed", "not ASCII") from None
    if len(token) > MAX_TOKEN_BYTES:
        raise _reject("oversized", f"limit {MAX_TOKEN_BYTES} bytes", status=413)
    token = token.strip()
    segs = _split_compact(token, 5)
    header = _header(segs[0])
    if header.get("alg") != KEY_ALG or header.get("enc") != ENC_ALG:
        raise _reject("malformed", f"JWE must use {KEY_ALG} with {ENC_ALG}")
    sender_id, recipient_id = header.get("kl_from"), header.get("kl_to")
    if not isinstance(sender_id, str) or not isinstance(recipient_id, str):
        raise _reject("malformed", "kl_from and kl_to headers are required")
    peer = directory(sender_id)
    if peer is None or peer.status == "pending":
        raise _reject("unknown_sender", status=403)
    if peer.status != "active":
        raise _reject("suspended_sender", status=403)
    if not hmac.compare_digest(recipient_id.encode(), local.node_id.encode()):
        raise _reject("wrong_recipient", status=421)
    keys = [k for k in local.decryption_keys if k.thumbprint() == header.get("kid")]
    if not keys:
        raise _reject("undecryptable", "unknown key id")
    try:
        plain = jwe.decrypt_compact(token, keys[0], registry=_JWE_REGISTRY).plaintext
        signed = plain.decode("ascii")
    except Exception:  # hostile input: any failure inside the JOSE library is a rejection
        raise _reject("undecryptable") from None
    jsegs = _split_compact(signed, 3)
    jheader = _header(jsegs[0])
    if jheader.get("alg") != SIG_ALG:
        raise _reject("bad_signature", f"JWS must use {SIG_ALG}")
    sig_key = peer.keys("sig").get(jheader.get("kid", ""))
    if sig_key is None:
        raise _reject("bad_signature", "unknown signing key")
    try:
        payload = jws.deserialize_compact(signed, sig_key, registry=_JWS_REGISTRY).payload
    except Exception:  # hostile input: any failure inside the JOSE library is a rejection
        raise _reject("bad_signature") from None
    try:
        env = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise _reject("malformed", "payload is not JSON") from None
    if isinstance(env, dict) and env.get("kl") != PROTOCOL_VERSION:
        raise _reject("wrong_version", f"this node speaks {PROTOCOL_VERSION}")
    validate_envelope(env)
    if env["from"] != sender_id:
        raise _reject("bad_signature", "signed sender differs from the header")
    if env["to"] != local.node_id:
        raise _reject("wrong_recipient", status=421)
    now = time.time() if now is None else now
    if env["iat"] < now - PAST_WINDOW_SECONDS or env["iat"] > now + FUTURE_SKEW_SECONDS:
        raise _reject("stale")
    return Opened(envelope=env, sender=peer, signed=signed)


# --------------------------------------------------------------------------- receipts


def sign_receipt(*, local: LocalNode, message: dict, status: str) -> str:
    payload = {
        "kl": PROTOCOL_VERSION,
        "receipt_for": message["id"],
        "from": local.node_id,
        "to": message["from"],
        "iat": int(time.time()),
        "status": status,
    }
    return jws.serialize_compact(
        {"alg": SIG_ALG, "kid": local.signing_key.thumbprint(), "typ": "kinlink-receipt+jws"},
        _canonical(payload),
        local.signing_key,
        registry=_JWS_REGISTRY,
    )


def verify_receipt(receipt: str, *, peer: Peer, message_id: str, local_id: str) -> dict:
    """The receiver's signed receipt for our message, or ``Rejected``."""
    if not isinstance(receipt, str) or len(receipt) > MAX_HEADER_BYTES * 4:
        raise _reject("malformed", "receipt")
    segs = _split_compact(receipt, 3)
    key = peer.keys("sig").get(_header(segs[0]).get("kid", ""))
    if key is None:
        raise _reject("bad_signature", "receipt signed with an unknown key")
    try:
        data = json.loads(jws.deserialize_compact(receipt, key, registry=_JWS_REGISTRY).payload)
    except Exception:
        raise _reject("bad_signature", "receipt") from None
    if list(jsonschema.Draft202012Validator(receipt_schema()).iter_errors(data)):
        raise _reject("invalid", "receipt")
    if data["receipt_for"] != message_id or data["from"] != peer.node_id or data["to"] != local_id:
        raise _reject("invalid", "receipt is for another message")
    return data


def message_type(code: str):
    return TYPES[code]
