"""The protocol library: seal/open round trips, every rejection, flipped bytes."""

from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinlink.exchange import protocol as p


def _node(node_id):
    sig, enc = p.new_signing_key(), p.new_encryption_key()
    local = p.LocalNode(node_id, sig, [enc])
    peer = p.Peer(node_id, "active", {"keys": [p.public_jwk(sig), p.public_jwk(enc)]})
    return local, peer


A, PA = _node("node-a")
B, PB = _node("node-b")
DIRECTORY = {"node-a": PA}.get


def body(**fields):
    return {
        "ref": str(uuid.uuid4()),
        "purpose": "tracing",
        "legal_basis": "consent",
        "retention_days": 365,
        "urgent": False,
        "fields": {"child_given_name": "Ali", "reason": "found alone", **fields},
    }


def sealed(type_="referral", b=None, sender=A, recipient=PB, **extra):
    env = p.envelope(
        type=type_, sender=sender.node_id, recipient=recipient.node_id, body=b or body(), **extra
    )
    return env, p.seal(env, local=sender, peer=recipient)


def rejected(token, code, directory=DIRECTORY, local=B, **kw):
    with pytest.raises(p.Rejected) as exc:
        p.open_message(token, local=local, directory=directory, **kw)
    assert exc.value.code == code, exc.value.reason
    return exc.value


def test_round_trip_and_layers():
    env, token = sealed()
    assert token.count(".") == 4  # JWE compact
    opened = p.open_message(token, local=B, directory=DIRECTORY)
    assert opened.envelope == env
    assert opened.signed.count(".") == 2  # the JWS inside
    assert "Ali" not in token and "found alone" not in token


text = st.text(max_size=60).filter(lambda s: s.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=text,
    reason=st.text(max_size=400),
    urgent=st.booleans(),
    age=st.integers(min_value=0, max_value=150),
)
def test_property_round_trip_unchanged(name, reason, urgent, age):
    b = body(child_given_name=name, reason=reason or "x", child_age_years=age)
    b["urgent"] = urgent
    env, token = sealed(b=b)
    assert p.open_message(token, local=B, directory=DIRECTORY).envelope == env


_ENV, _TOKEN = sealed()


@settings(max_examples=300, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(_TOKEN) - 1),
    byte=st.integers(min_value=0, max_value=255),
)
def test_property_any_flipped_byte_is_rejected(index, byte):
    raw = bytearray(_TOKEN.encode("ascii"))
    if raw[index] == byte:
        byte ^= 0x01
    raw[index] = byte
    with pytest.raises(p.Rejected):
        p.open_message(bytes(raw), local=B, directory=DIRECTORY)


def test_every_position_flipped_rejected():
    """Exhaustively: each character replaced by another base64url character."""
    for i in range(0, len(_TOKEN), 3):
        ch = "B" if _TOKEN[i] != "B" else "C"
        with pytest.raises(p.Rejected):
            p.open_message(_TOKEN[:i] + ch + _TOKEN[i + 1 :], local=B, directory=DIRECTORY)


def test_bad_signature():
    # signed by a key the partner never published (an impostor holding node-a's name)
    impostor = p.LocalNode("node-a", p.new_signing_key(), [])
    _env, token = sealed(sender=impostor)
    rejected(token, "bad_signature")


def test_unknown_suspended_and_pending_sender():
    _env, token = sealed()
    rejected(token, "unknown_sender", directory={}.get)
    rejected(
        token, "suspended_sender", directory={"node-a": p.Peer("node-a", "suspended", PA.jwks)}.get
    )
    rejected(
        token, "unknown_sender", directory={"node-a": p.Peer("node-a", "pending", PA.jwks)}.get
    )


def test_message_for_another_node():
    c_local, pc = _node("node-c")
    _env, token = sealed(recipient=pc)
    rejected(token, "wrong_recipient")
    # addressed to node-b in the JWE header but sealed with another key: cannot decrypt
    rejected(
        token,
        "wrong_recipient",
        local=p.LocalNode("node-b", B.signing_key, [c_local.decryption_keys[0]]),
    )


def test_outside_time_window():
    _env, token = sealed(iat=int(time.time()) - p.PAST_WINDOW_SECONDS - 5)
    rejected(token, "stale")
    _env, token = sealed(iat=int(time.time()) + p.FUTURE_SKEW_SECONDS + 60)
    rejected(token, "stale")


def _seal_raw(payload: bytes, sender=A, recipient=PB):
    from joserfc import jwe, jws

    signed = jws.serialize_compact(
        {"alg": "ES256", "kid": sender.signing_key.thumbprint()}, payload, sender.signing_key
    )
    key = recipient.encryption_key()
    return jwe.encrypt_compact(
        {
            "alg": p.KEY_ALG,
            "enc": p.ENC_ALG,
            "kid": key.thumbprint(),
            "kl_from": sender.node_id,
            "kl_to": recipient.node_id,
        },
        signed,
        key,
        registry=p._JWE_REGISTRY,
    )


def test_wrong_schema_version():
    env = p.envelope(type="referral", sender="node-a", recipient="node-b", body=body())
    env["kl"] = "2.0"
    rejected(_seal_raw(p._canonical(env)), "wrong_version")


def test_malformed_payloads():
    rejected(_seal_raw(b"not json"), "malformed")
    rejected(b"", "malformed")
    rejected("a.b.c", "malformed")
    rejected("\xff" * 10, "malformed")
    rejected(b"\xff\xfe" * 10, "malformed")


def test_oversized():
    err = rejected(b"A" * (p.MAX_TOKEN_BYTES + 1), "oversized")
    assert err.status == 413


def test_field_outside_profile_and_unknown_type():
    env = p.envelope(
        type="referral", sender="node-a", recipient="node-b", body=body(case_notes="the full file")
    )
    err = rejected(_seal_raw(p._canonical(env)), "field_outside_profile")
    assert "case_notes" in err.reason
    env = p.envelope(type="gossip", sender="node-a", recipient="node-b", body=body())
    rejected(_seal_raw(p._canonical(env)), "unknown_type")
    b = body()
    b["extra_top_level"] = 1
    env = p.envelope(type="referral", sender="node-a", recipient="node-b", body=b)
    rejected(_seal_raw(p._canonical(env)), "invalid")


def test_seal_refuses_a_field_outside_the_profile():
    env = p.envelope(
        type="referral", sender="node-a", recipient="node-b", body=body(case_notes="x")
    )
    with pytest.raises(p.Rejected):
        p.seal(env, local=A, peer=PB)


def test_receipts():
    env, _token = sealed()
    r = p.sign_receipt(local=B, message=env, status="received")
    assert p.verify_receipt(r, peer=PB, message_id=env["id"], local_id="node-a")["status"] == (
        "received"
    )
    with pytest.raises(p.Rejected):
        p.verify_receipt(r, peer=PA, message_id=env["id"], local_id="node-a")
    with pytest.raises(p.Rejected):
        p.verify_receipt(r, peer=PB, message_id=str(uuid.uuid4()), local_id="node-a")


def test_fingerprint_and_keys():
    fp = p.fingerprint(PA.jwks)
    assert len(fp.split()) == 16
    assert p.fingerprints_equal(fp.lower().replace(" ", ""), fp)
    assert not p.fingerprints_equal(p.fingerprint(PB.jwks), fp)
    with pytest.raises(ValueError):
        p.import_public(A.signing_key.as_dict(private=True) | {"use": "sig"})
    bad = dict(PA.jwks["keys"][0], kid="chosen-by-attacker")
    with pytest.raises(ValueError):
        p.import_public(bad)
