"""The questionnaire pages: import with refusals, filling in with skip logic (htmx and
without JavaScript), drafts, pages by group, comparison across cities."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinlink.questionnaires.models import FormVersion, Response

from .xlsx import q, workbook

pytestmark = pytest.mark.django_db


def test_import_shows_every_refusal_and_saves_nothing(world, login):
    client = login(world.ada)
    bad = workbook([q("geopoint", "where"), q("text", "x", relevant="pulldata('a','b','c','d')")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post(
        reverse("questionnaires:form_import"),
        {"workbook": SimpleUploadedFile("bad.xlsx", bad), "purpose": "survey"},
    )
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "survey row 2 (where)" in body and "pulldata() is not supported" in body
    assert not FormVersion.objects.exists()


def test_import_then_publish(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.ada)
    resp = client.post(
        reverse("questionnaires:form_import"),
        {"workbook": SimpleUploadedFile("f.xlsx", workbook([q("text", "x")])), "purpose": "survey"},
    )
    version = FormVersion.objects.get()
    assert resp.status_code == 302 and version.published_at is None
    client.post(reverse("questionnaires:version_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.published_at is not None


def _start(client, version):
    resp = client.post(reverse("questionnaires:start", args=[version.pk]))
    assert resp.status_code == 302, resp.content[:500]
    return Response.objects.system("t").get(respondent__isnull=False, status="draft")


def test_city_official_fills_in_ukrainian_with_skip_logic_without_js(cities, city_survey, login):
    client = login(cities.lena)
    client.cookies["django_language"] = "uk"
    draft = _start(client, city_survey)
    url = reverse("questionnaires:fill", args=[draft.pk])
    page = client.get(url + "?page=1", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Чи є координаційний орган?" in page
    assert "Як часто він збирається?" not in page  # skip logic: hidden until 'yes'
    resp = client.post(url, {"page": "1", "coordination_body": "yes", "action": "refresh"})
    assert "Як часто він збирається?" in resp.content.decode()
    # the draft kept the answer
    assert Response.objects.system("t").get(pk=draft.pk).answers["coordination_body"] == "yes"


def test_htmx_change_rerenders_the_form(cities, city_survey, login):
    client = login(cities.lena)
    draft = _start(client, city_survey)
    url = reverse("questionnaires:fill", args=[draft.pk])
    resp = client.post(
        url, {"page": "1", "coordination_body": "yes", "action": "refresh"}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 200
    assert 'id="qform"' in resp.content.decode()
    assert "coordination_frequency" in resp.content.decode()


def test_submit_with_errors_shows_them_and_keeps_the_draft(cities, city_survey, login):
    client = login(cities.lena)
    draft = _start(client, city_survey)
    url = reverse("questionnaires:fill", args=[draft.pk])
    last = (
        len(
            __import__("kinlink.questionnaires.rendering", fromlist=["x"]).pages_of(
                city_survey.definition
            )
        )
        - 1
    )
    resp = client.post(url, {"page": str(last), "action": "submit"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "На це питання потрібно відповісти." in body
    assert Response.objects.system("t").get(pk=draft.pk).status == "draft"


def test_other_users_draft_is_404(cities, city_survey, login):
    draft = _start(login(cities.lena), city_survey)
    client = login(cities.cleo)
    assert client.get(reverse("questionnaires:fill", args=[draft.pk])).status_code == 404


def test_comparison_page(cities, city_survey, login):
    from kinlink.questionnaires import services

    draft = services.response_start(actor=cities.lena, version_id=city_survey.pk)
    services.response_save(
        actor=cities.lena,
        response_id=draft.pk,
        answers={
            "city_name": "Lviv",
            "refugee_children": "5",
            "coordination_body": "no",
            "guardianship": "yes",
            "training_needs": "trafficking",
        },
        submit=True,
    )
    resp = login(cities.stan).get(reverse("questionnaires:cities"))
    assert resp.status_code == 200
    assert "Lviv" in resp.content.decode() and "Identifying trafficking" in resp.content.decode()
    assert login(cities.alice).get(reverse("questionnaires:cities")).status_code == 403


def test_arabic_is_right_to_left(cities, city_survey, login):
    client = login(cities.lena)
    draft = _start(client, city_survey)
    client.post(reverse("language_set"), {"language": "ar", "next": "/"})
    body = client.get(reverse("questionnaires:fill", args=[draft.pk])).content.decode()
    assert 'dir="rtl"' in body and "المدينة" in body


def test_repeat_rows_can_be_added(world, login):
    from kinlink.questionnaires import services

    v = services.form_import(
        actor=world.ada,
        data=workbook(
            [
                {"type": "begin repeat", "name": "kids", "label": "Kid"},
                q("text", "kn"),
                {"type": "end repeat"},
            ]
        ),
    )
    services.version_publish(actor=world.ada, version_id=v.pk)
    client = login(world.alice)
    draft = _start(client, v)
    url = reverse("questionnaires:fill", args=[draft.pk])
    client.post(url, {"page": "0", "kids__count": "1", "kids__0__kn": "A", "action": "add:kids"})
    answers = Response.objects.system("t").get(pk=draft.pk).answers
    assert answers["kids"] == [{"kn": "A"}, {}]


def test_interview_starts_only_after_consent_and_assent(world, login):
    from pathlib import Path

    from kinlink.questionnaires import services
    from kinlink.questionnaires.models import FormPurpose

    data = (Path(services.__file__).parent / "forms" / "child_interview.xlsx").read_bytes()
    version = services.form_install(data=data, purpose=FormPurpose.INTERVIEW)
    client = login(world.rita)
    home = client.get(reverse("questionnaires:home")).content.decode()
    assert "Child interview" in home and "Export (no identifiers)" in home
    url = reverse("questionnaires:start", args=[version.pk])
    resp = client.post(url, {"respondent_kind": "child", "consent": "yes"})
    assert resp.status_code == 200 and "assent" in resp.content.decode()
    assert not Response.objects.system("t").exists()
    resp = client.post(
        url, {"respondent_kind": "child", "consent": "yes", "assent": "yes", "consent_by": "aunt"}
    )
    assert resp.status_code == 302
    r = Response.objects.system("t").get()
    page = client.get(reverse("questionnaires:fill", args=[r.pk])).content.decode()
    assert r.respondent_code in page
    assert login(world.alice).get(url).status_code == 403
