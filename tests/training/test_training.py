"""Trainings: curriculum, participants (users and external), attendance, pre/post tests with
the change, PDF certificates; a plan from the city survey's ranked needs; good practices."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kinlink.questionnaires import services as qs
from kinlink.training import selectors, services
from kinlink.training.models import GoodPractice, Participant

DATA = {
    "title": "Trauma-informed practice for reception staff",
    "topic": "trauma",
    "format": "online",
    "starts_on": date(2026, 3, 2),
    "ends_on": date(2026, 3, 3),
    "audience": ["social_workers", "police"],
    "trainers": "ISS Kazakhstan",
    "description": "",
    "max_score": 20,
}


@pytest.fixture
def training(world):
    t = services.training_create(actor=world.tara, data=DATA)
    services.module_add(
        actor=world.tara, training_id=t.pk, title="Stress and the brain", minutes=90
    )
    services.participant_add(
        actor=world.tara, training_id=t.pk, username="alice", audience="social_workers"
    )
    services.participant_add(
        actor=world.tara,
        training_id=t.pk,
        name="Aigerim K.",
        organisation="Migration police",
        audience="police",
    )
    return t


def test_only_trainers_manage_trainings(world):
    with pytest.raises(PermissionDenied):
        services.training_create(actor=world.alice, data=DATA)


def test_scores_attendance_change_and_certificate(world, training, login):
    alice_p, ext = sorted(training.participants.all(), key=lambda p: p.user_id is None)
    results = [
        services.Result(str(alice_p.pk), True, 8, 17),
        services.Result(str(ext.pk), True, 10, 14),
    ]
    services.results_record(actor=world.tara, training_id=training.pk, results=results)
    alice_p.refresh_from_db()
    assert alice_p.change == 9 and alice_p.certificate_number.startswith("KL-2026-")
    assert selectors.score_summary(training) == {"n": 2, "pre": 9.0, "post": 15.5, "change": 6.5}
    # a score above the maximum refuses everything
    bad = [services.Result(str(alice_p.pk), True, 8, 25), services.Result(str(ext.pk), False, 1, 1)]
    with pytest.raises(ValidationError):
        services.results_record(actor=world.tara, training_id=training.pk, results=bad)
    assert Participant.objects.get(pk=ext.pk).attended is True
    # the certificate: the trainer and the participant herself; nobody else
    url = reverse("training:certificate", args=[alice_p.pk])
    resp = login(world.alice).get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    assert login(world.bob).get(url).status_code == 404
    assert login(world.tara).get(url).status_code == 200


def test_training_pages(world, training, login):
    client = login(world.tara)
    body = client.get(reverse("training:detail", args=[training.pk])).content.decode()
    assert "Stress and the brain" in body and "Aigerim K." in body
    resp = client.post(reverse("training:create"), {"title": "x"})
    assert resp.status_code == 200 and "is-invalid" in resp.content.decode()
    assert login(world.alice).get(reverse("training:list")).status_code == 403


def test_plan_follows_the_ranked_needs(cities, city_survey, training):
    w = cities
    for user, needs in ((w.cleo, "trauma data"), (w.lena, "data")):
        d = qs.response_start(actor=user, version_id=city_survey.pk)
        qs.response_save(
            actor=user,
            response_id=d.pk,
            answers={
                "city_name": "X",
                "refugee_children": "1",
                "coordination_body": "no",
                "guardianship": "no",
                "training_needs": needs,
            },
            submit=True,
        )
    rows = selectors.training_plan(user=w.tara, lang="en")
    assert [(r["need"].name, r["need"].cities, len(r["trainings"])) for r in rows] == [
        ("data", 2, 0),
        ("trauma", 1, 1),
    ]


def test_good_practice_reviewed_before_publication_and_searchable(world, training, login):
    data = {"title": "x", "organisation": "y", "problem": "p", "response": "r"}
    with pytest.raises(ValidationError):  # the webinar is not published to Cleo yet
        services.practice_submit(actor=world.cleo, data=data, trainings=[training])
    assert not GoodPractice.objects.exists()
    services.training_publish(actor=world.tara, training_id=training.pk, visibility="country")
    p = services.practice_submit(
        actor=world.cleo,
        data={
            "title": "One-stop shop",
            "organisation": "Almaty city",
            "city": "Almaty",
            "problem": "Families queue at five offices",
            "response": "One desk",
            "results": "",
            "contact": "",
            "tags": "reception, registration",
            "languages": "ru, kk",
        },
        trainings=[training],
    )
    assert p not in selectors.practices(user=world.alice)
    assert p in selectors.practices(user=world.tara)
    with pytest.raises(ValidationError):
        services.practice_review(actor=world.tara, practice_id=p.pk, publish=False)
    services.practice_review(actor=world.tara, practice_id=p.pk, publish=True)
    assert list(selectors.practices(user=world.alice, query="queue")) == [p]
    assert list(selectors.practices(user=world.alice, tag="registration")) == [p]
    assert not selectors.practices(user=world.alice, query="nothing-like-it").exists()
    page = login(world.tara).get(reverse("training:detail", args=[training.pk])).content.decode()
    assert "One-stop shop" in page
    assert GoodPractice.objects.get().reviewed_by == world.tara
