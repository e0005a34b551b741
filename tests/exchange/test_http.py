"""The inbox over HTTP (every rejection is a clear 4xx and stores nothing), the node document,
the file export/import and the pages."""

from __future__ import annotations

import pytest

from kinlink.core.models import AuditEvent
from kinlink.exchange import protocol
from kinlink.exchange.models import CrossBorderRequest, InboundMessage, OutboundMessage

from .conftest import referral_body

pytestmark = pytest.mark.django_db


def post(client, token):
    data = token.encode() if isinstance(token, str) else token
    return client.generic("POST", "/exchange/inbox", data, content_type="application/jose")


def test_node_document_at_well_known(client, node):
    doc = client.get("/.well-known/kinlink-node").json()
    assert doc["node_id"] == "kz-node" and doc["inbox"].endswith("/exchange/inbox")
    assert client.get("/exchange/node.json").json() == doc


def test_inbox_accepts_then_reports_duplicates(client, remote):
    env, token = remote.send("referral", referral_body())
    r = post(client, token)
    assert r.status_code == 200
    protocol.verify_receipt(
        r.json()["receipt"], peer=remote.us, message_id=env["id"], local_id="uz-node"
    )
    r = post(client, token)
    assert r.status_code == 409 and r.json()["error"] == "replay" and r.json()["receipt"]
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    "case",
    ["empty", "garbage", "oversized", "unknown_sender", "wrong_recipient", "stale", "flipped"],
)
def test_inbox_rejections_store_nothing(client, remote, case):
    import time

    from .conftest import remote_document

    _env, token = remote.send("referral", referral_body())
    if case == "empty":
        token = ""
    elif case == "garbage":
        token = "hello.world"
    elif case == "oversized":
        token = "A" * (protocol.MAX_TOKEN_BYTES + 10)
    elif case == "unknown_sender":
        _doc, stranger = remote_document("xx-node", "XX")
        env = protocol.envelope(
            type="referral", sender="xx-node", recipient="kz-node", body=referral_body()
        )
        token = protocol.seal(env, local=stranger, peer=remote.us)
    elif case == "wrong_recipient":
        env = protocol.envelope(
            type="referral", sender="uz-node", recipient="zz-node", body=referral_body()
        )
        token = protocol.seal(
            env, local=remote.local, peer=protocol.Peer("zz-node", "active", remote.us.jwks)
        )
    elif case == "stale":
        _env, token = remote.send("referral", referral_body(), iat=int(time.time()) - 3600)
    elif case == "flipped":
        token = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    audit_before = AuditEvent.objects.count()
    r = post(client, token)
    assert 400 <= r.status_code < 500
    assert r.json()["error"] in protocol.REJECTIONS and r.json()["reason"]
    assert not InboundMessage.objects.exists()
    assert not CrossBorderRequest.objects.system("t").exists()
    assert AuditEvent.objects.count() == audit_before


def test_inbox_refuses_get(client, node):
    assert client.get("/exchange/inbox").status_code == 405


def test_file_export_and_import(client, login, world, remote):
    # inbound by file: the partner's message imported by the coordinator
    _env, token = remote.send("referral", referral_body())
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(world.carl)
    r = c.post("/exchange/messages/import/", {"file": SimpleUploadedFile("m.jwe", token.encode())})
    assert r.status_code == 302
    req = CrossBorderRequest.objects.system("t").get()
    assert InboundMessage.objects.get().channel == "file"
    # the same file twice changes nothing
    c.post("/exchange/messages/import/", {"file": SimpleUploadedFile("m.jwe", token.encode())})
    assert InboundMessage.objects.count() == 1
    # outbound by file: the acknowledgement exported for removable media
    c.post(f"/exchange/requests/{req.pk}/acknowledge/")
    msg = OutboundMessage.objects.get()
    r = c.get(f"/exchange/messages/{msg.pk}/file/")
    assert r.status_code == 200 and r.content.decode() == msg.token
    assert remote.read(r.content.decode())["type"] == "acknowledgement"
    msg.refresh_from_db()
    assert msg.status == "exported"


def test_pages(client, login, world, remote, consented_case):
    c = login(world.alice)
    r = c.get(f"/exchange/cases/{consented_case.pk}/new/?kind=tracing_request")
    assert r.status_code == 200 and "sought_name" in r.content.decode()
    r = c.post(
        f"/exchange/cases/{consented_case.pk}/new/",
        {
            "kind": "referral",
            "partner": remote.partner.pk,
            "purpose": "Protection",
            "legal_basis": "consent",
            "retention_days": "365",
            "f_child_given_name": "Muhammad",
            "f_reason": "Alone at the border",
        },
    )
    assert r.status_code == 302
    req = CrossBorderRequest.objects.system("t").get()
    page = c.get(f"/exchange/requests/{req.pk}/").content.decode()
    assert "Alone at the border" in page and "uz-node" in page
    assert login(world.umid).get(f"/exchange/requests/{req.pk}/").status_code == 404
    assert login(world.pia).get("/exchange/").status_code == 403
    assert login(world.carl).get("/exchange/").status_code == 200
    assert login(world.sys).get("/exchange/partners/").status_code == 200
