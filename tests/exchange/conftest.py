"""Exchange fixtures: this node (Kazakhstan, "kz-node") and a partner node (Uzbekistan,
"uz-node") whose private keys the test holds, so it can read what we send and write what
the partner would send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from kinlink.cases import services as cs
from kinlink.exchange import protocol
from kinlink.exchange import services as xs
from kinlink.exchange.models import PartnerNode

from ..conftest import register


@dataclass
class Remote:
    """The partner node, as the test drives it."""

    local: protocol.LocalNode
    partner: PartnerNode
    us: protocol.Peer

    def send(self, type_, body, **env_extra):
        env = protocol.envelope(
            type=type_,
            sender=self.local.node_id,
            recipient=self.us.node_id,
            body=body,
            **env_extra,
        )
        return env, protocol.seal(env, local=self.local, peer=self.us)

    def read(self, token):
        """Open a message we sent, as the partner would."""
        peer_us = protocol.Peer(self.us.node_id, "active", self.us.jwks)
        return protocol.open_message(
            token, local=self.local, directory={self.us.node_id: peer_us}.get
        ).envelope


def remote_document(node_id="uz-node", country="UZ"):
    sig, enc = protocol.new_signing_key(), protocol.new_encryption_key()
    doc = {
        "node_id": node_id,
        "country": country,
        "agency": "Child Protection UZ",
        "endpoint": f"https://{node_id}.example.org",
        "jwks": {"keys": [protocol.public_jwk(sig), protocol.public_jwk(enc)]},
    }
    return doc, protocol.LocalNode(node_id, sig, [enc])


@pytest.fixture
def node(world):
    return xs.node_setup(
        actor=world.sys,
        node_id="kz-node",
        country="KZ",
        agency="Child Protection KZ",
        endpoint="https://kz-node.example.org",
    )


@pytest.fixture
def remote(world, node):
    doc, local = remote_document()
    partner = xs.partner_add(actor=world.sys, document=doc)
    xs.partner_confirm(actor=world.sys, partner_id=partner.pk, fingerprint=partner.fingerprint)
    partner.refresh_from_db()
    ours = xs.node_document()
    return Remote(local, partner, protocol.Peer(ours["node_id"], "active", ours["jwks"]))


def consent(world, case, **extra):
    data = dict(
        given_by="caregiver",
        kind="consent",
        given_on=date.today(),
        share_with=["cross_border"],
        for_tracing=True,
    )
    data.update(extra)
    return cs.consent_record(actor=world.alice, case_id=case.pk, data=cs.ConsentInput(**data))


@pytest.fixture
def consented_case(world):
    case = register(world.alice)
    consent(world, case)
    return case


def referral_body(**fields):
    return {
        "ref": str(uuid.uuid4()),
        "purpose": "Referral for protection and family tracing",
        "legal_basis": "consent",
        "retention_days": 365,
        "urgent": False,
        "fields": {
            "child_given_name": "Oysha",
            "child_family_name": "Karimova",
            "reason": "Unaccompanied child found at the border",
            **fields,
        },
    }
