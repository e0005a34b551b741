"""A deployment attaches an XLSForm as an assessment type; answers sit on the case, under the
case's permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinlink.core.models import AuditEvent
from kinlink.questionnaires import services
from kinlink.questionnaires.models import FormPurpose, Response

from .xlsx import YN, q, workbook


@pytest.fixture
def home_visit(world):
    v = services.form_import(
        actor=world.ada,
        data=workbook(
            [
                q("select_one yn", "safe", required="yes"),
                q("text", "why", relevant="${safe} = 'no'", required="yes"),
            ],
            YN,
            {"form_id": "home_visit"},
        ),
        purpose=FormPurpose.ASSESSMENT,
    )
    return services.version_publish(actor=world.ada, version_id=v.pk)


def test_case_page_offers_the_form_and_answers_stay_in_scope(world, alice_case, home_visit, login):
    client = login(world.alice)
    page = client.get(reverse("cases:detail", args=[alice_case.pk])).content.decode()
    assert "Start: Test form" in page
    url = reverse("questionnaires:case_assessment_start", args=[alice_case.pk, home_visit.pk])
    resp = client.post(url, {"start": "yes"})
    draft = Response.objects.restrict(world.alice, "view").get(case=alice_case)
    assert resp.status_code == 302 and draft.purpose == "assessment"
    fill = reverse("questionnaires:fill", args=[draft.pk])
    client.post(fill, {"page": "0", "safe": "no", "why": "Broken window", "action": "submit"})
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.answers == {"safe": "no", "why": "Broken window"}
    # the supervisor of the office sees it (and the read is audited); another office does not
    sam = login(world.sam)
    detail = reverse("questionnaires:response", args=[draft.pk])
    assert "Broken window" in sam.get(detail).content.decode()
    assert AuditEvent.objects.filter(actor=world.sam, object_id=str(draft.pk)).exists()
    assert login(world.olga).get(detail).status_code == 404
    assert login(world.umid).post(url, {"start": "yes"}).status_code == 404


def test_answers_are_encrypted_at_rest(world, alice_case, home_visit):
    from django.db import connection

    r = services.response_start(actor=world.alice, version_id=home_visit.pk, case=alice_case)
    services.response_save(
        actor=world.alice, response_id=r.pk, answers={"safe": "no", "why": "Secret"}, submit=True
    )
    with connection.cursor() as cur:
        cur.execute("SELECT answers FROM questionnaires_response WHERE id = %s", [r.pk.hex])
        row = cur.fetchone()
    if row is None:  # PostgreSQL stores uuids natively
        with connection.cursor() as cur:
            cur.execute("SELECT answers FROM questionnaires_response WHERE id = %s", [r.pk])
            row = cur.fetchone()
    assert "Secret" not in row[0]
