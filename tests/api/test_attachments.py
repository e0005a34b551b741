"""Attachments: multipart upload, audited download, same scope rules."""

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kinlink.cases.models import Attachment

from .conftest import assert_error, audit_events, url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, case_id, data=PNG, kind="photo", title="Photo at registration", **extra):
    body = {"kind": kind, "title": title, **extra}
    if data is not None:
        body["file"] = SimpleUploadedFile("photo.png", data, content_type="image/png")
    return client.post(url("case-attachments", case_id=case_id), body, format="multipart")


def test_upload_and_download(world, alice_case, client_for):
    response = upload(client_for(world.alice), alice_case.pk)
    assert response.status_code == 201, response.content
    meta = response.json()
    assert meta["content_type"] == "image/png" and meta["size"] == len(PNG)
    assert meta["sha256"] == hashlib.sha256(PNG).hexdigest()

    detail = client_for(world.alice).get(url("case-detail", case_id=alice_case.pk)).json()
    assert [a["id"] for a in detail["attachments"]] == [meta["id"]]

    before = audit_events("view", object_id=meta["id"]).count()
    for persona in ("alice", "sam", "max"):
        response = client_for(getattr(world, persona)).get(
            url("case-attachment", case_id=alice_case.pk, attachment_id=meta["id"])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content == PNG
    assert audit_events("view", object_id=meta["id"]).count() == before + 3


@pytest.mark.parametrize("persona", ["bob", "oscar", "umid"])
def test_out_of_scope_download_and_upload_are_404(world, alice_case, client_for, persona):
    meta = upload(client_for(world.alice), alice_case.pk).json()
    client = client_for(getattr(world, persona))
    assert_error(
        client.get(url("case-attachment", case_id=alice_case.pk, attachment_id=meta["id"])), 404
    )
    assert_error(upload(client, alice_case.pk), 404)
    assert Attachment.objects.system("test").count() == 1


def test_download_roles_and_forged_ids(world, alice_case, kemal_case, client_for):
    meta = upload(client_for(world.alice), alice_case.pk).json()
    assert_error(
        client_for(world.stan).get(
            url("case-attachment", case_id=alice_case.pk, attachment_id=meta["id"])
        ),
        403,
    )
    alice = client_for(world.alice)
    for case_id, att in [
        (alice_case.pk, uuid.uuid4()),
        (alice_case.pk, "x"),
        (kemal_case.pk, meta["id"]),  # right attachment, wrong case
    ]:
        assert_error(alice.get(url("case-attachment", case_id=case_id, attachment_id=att)), 404)
    assert_error(upload(client_for(world.max), alice_case.pk), 403)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"data": b"GIF89a" + b"\x00" * 10}, "file"),
        ({"data": b""}, "file"),
        ({"data": None}, "file"),
        ({"data": b"%PDF-1.4 ..."}, "file"),  # a PDF is not a photo
        ({"kind": "video"}, "kind"),
        ({"title": ""}, "title"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_uploads_are_400(world, alice_case, client_for, kwargs, field):
    before = audit_events("create").count()
    err = assert_error(upload(client_for(world.alice), alice_case.pk, **kwargs), 400)
    assert field in err["fields"], err
    assert Attachment.objects.system("test").count() == 0
    assert audit_events("create").count() == before


def test_pdf_document_upload(world, alice_case, client_for):
    response = upload(client_for(world.alice), alice_case.pk, data=b"%PDF-1.4 x", kind="document")
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"


def test_json_upload_is_refused(world, alice_case, client_for):
    response = client_for(world.alice).post(
        url("case-attachments", case_id=alice_case.pk), {"kind": "photo"}, format="json"
    )
    assert_error(response, 415)
