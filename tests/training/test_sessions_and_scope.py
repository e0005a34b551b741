"""Per-session attendance with the certificate rule, and trainings scoped by agency: the
organising agency's trainers see and edit; other trainers see only what is published to them
(their country, or every agency) and never edit it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kinlink.accounts.roles import Role
from kinlink.training import selectors, services
from kinlink.training.models import Participant, Training, TrainingSession

from .test_training import DATA


@pytest.fixture
def trainers(world):
    from tests.conftest import make_user

    world.tim = make_user("tim", Role.TRAINER, world.kz2)  # another agency, same country
    world.uta = make_user("uta", Role.TRAINER, world.uz)  # another country
    return world


@pytest.fixture
def course(world):
    """Tara's five-day course (2–6 March) with a session a day; Alice and an outsider."""
    t = services.training_create(
        actor=world.tara, data={**DATA, "ends_on": date(2026, 3, 6), "certificate_share": 80}
    )
    for day in range(2, 7):
        services.session_add(actor=world.tara, training_id=t.pk, held_on=date(2026, 3, day))
    services.participant_add(
        actor=world.tara, training_id=t.pk, username="alice", audience="social_workers"
    )
    services.participant_add(
        actor=world.tara, training_id=t.pk, name="Aigerim K.", audience="police"
    )
    return t


def _results(course, present: dict[str, int], scores=(None, None)):
    sessions = [str(s.pk) for s in course.sessions.all()]
    return [
        services.Result(
            str(p.pk), False, scores[0], scores[1], sessions=sessions[: present.get(p.name, 0)]
        )
        for p in course.participants.all()
    ]


@pytest.mark.parametrize(
    "share,attended,sessions,certified",
    [
        (80, 4, 5, True),  # exactly the share
        (80, 3, 5, False),
        (100, 5, 5, True),
        (100, 4, 5, False),
        (50, 1, 2, True),
        (34, 1, 3, False),  # 33.3 % < 34 %
        (33, 1, 3, True),
        (1, 0, 5, False),
        (80, 0, 0, False),  # no sessions: the rule does not apply
    ],
)
def test_certificate_rule(share, attended, sessions, certified):
    assert Training(certificate_share=share).qualifies(attended, sessions) is certified


def test_attendance_per_session_decides_the_certificate(world, course):
    services.results_record(
        actor=world.tara,
        training_id=course.pk,
        results=_results(course, {"Alice": 4, "Aigerim K.": 3}),
    )
    alice = Participant.objects.get(user=world.alice)
    other = Participant.objects.get(name="Aigerim K.")
    assert (alice.attended, alice.sessions.count()) == (True, 4)
    assert alice.certificate_number.startswith("KL-2026-")
    assert (other.attended, other.certificate_number) == (False, "")
    assert selectors.participant_for_certificate(user=world.alice, participant_id=alice.pk)
    with pytest.raises(Participant.DoesNotExist):
        selectors.participant_for_certificate(user=world.tara, participant_id=other.pk)
    # a correction below the share takes the certificate away
    services.results_record(
        actor=world.tara, training_id=course.pk, results=_results(course, {"Alice": 2})
    )
    with pytest.raises(Participant.DoesNotExist):
        selectors.participant_for_certificate(user=world.alice, participant_id=alice.pk)


def test_bad_attendance_changes_nothing(world, course):
    good = _results(course, {"Alice": 5})
    services.results_record(actor=world.tara, training_id=course.pk, results=good)
    foreign = services.training_create(actor=world.tara, data=DATA)
    stray = services.session_add(actor=world.tara, training_id=foreign.pk, held_on=date(2026, 3, 2))
    bad = _results(course, {"Alice": 1})
    bad[0].sessions.append(str(stray.pk))  # a session of another training
    with pytest.raises(ValidationError):
        services.results_record(actor=world.tara, training_id=course.pk, results=bad)
    bad = _results(course, {"Alice": 1}, scores=(5, 999))  # above the highest score
    with pytest.raises(ValidationError):
        services.results_record(actor=world.tara, training_id=course.pk, results=bad)
    alice = Participant.objects.get(user=world.alice)
    assert (alice.sessions.count(), alice.attended) == (5, True)


def test_sessions_fall_within_the_training_dates(world, course):
    for day in (date(2026, 3, 1), date(2026, 3, 7)):
        with pytest.raises(ValidationError):
            services.session_add(actor=world.tara, training_id=course.pk, held_on=day)
    assert TrainingSession.objects.filter(training=course).count() == 5


def test_training_without_sessions_keeps_one_attendance_flag(world):
    t = services.training_create(actor=world.tara, data=DATA)
    p = services.participant_add(actor=world.tara, training_id=t.pk, name="X", audience="police")
    services.results_record(
        actor=world.tara, training_id=t.pk, results=[services.Result(str(p.pk), True, 1, 2)]
    )
    p.refresh_from_db()
    assert p.attended and p.certificate_number


def test_who_sees_and_edits_a_training(world, trainers, course):
    w = trainers
    assert list(selectors.trainings(user=w.tara)) == [course]
    # not published: other agencies' trainers do not see it
    for other in (w.tim, w.uta):
        assert not selectors.trainings(user=other).exists()
        with pytest.raises(Training.DoesNotExist):
            services.module_add(actor=other, training_id=course.pk, title="x", minutes=5)
    with pytest.raises(PermissionDenied):
        selectors.trainings(user=w.alice)  # not a trainer
    services.training_publish(actor=w.tara, training_id=course.pk, visibility="country")
    assert list(selectors.trainings(user=w.tim)) == [course]  # same country: sees it
    assert not selectors.trainings(user=w.uta).exists()
    with pytest.raises(PermissionDenied):  # sees, but does not edit
        services.session_add(actor=w.tim, training_id=course.pk, held_on=date(2026, 3, 3))
    with pytest.raises(PermissionDenied):
        services.training_publish(actor=w.tim, training_id=course.pk, visibility="agency")
    services.training_publish(actor=w.tara, training_id=course.pk, visibility="all")
    assert list(selectors.trainings(user=w.uta)) == [course]
    assert not selectors.may_edit(w.uta, course) and selectors.may_edit(w.tara, course)
    with pytest.raises(ValidationError):
        services.training_publish(actor=w.tara, training_id=course.pk, visibility="world")


def test_certificates_of_another_agencys_training_stay_hidden(world, trainers, course):
    services.results_record(
        actor=world.tara, training_id=course.pk, results=_results(course, {"Alice": 5})
    )
    services.training_publish(actor=world.tara, training_id=course.pk, visibility="all")
    alice = Participant.objects.get(user=world.alice)
    with pytest.raises(Participant.DoesNotExist):
        selectors.participant_for_certificate(user=trainers.tim, participant_id=alice.pk)


def test_pages_per_role(world, trainers, course, login):
    w = trainers
    detail = reverse("training:detail", args=[course.pk])
    add_session = reverse("training:session_add", args=[course.pk])
    assert login(w.tim).get(detail).status_code == 404
    services.training_publish(actor=w.tara, training_id=course.pk, visibility="country")
    page = login(w.tim).get(detail)
    assert page.status_code == 200
    body = page.content.decode()
    assert "only its trainers can change it" in body and add_session not in body
    assert login(w.tim).post(add_session, {"held_on": "2026-03-03"}).status_code == 403
    assert login(w.uta).get(detail).status_code == 404
    assert login(w.alice).get(detail).status_code == 403
    tara = login(w.tara)
    assert add_session in tara.get(detail).content.decode()
    resp = tara.post(add_session, {"held_on": "2026-04-01"})  # after the end
    assert resp.status_code == 200 and "between the training" in resp.content.decode()
    assert TrainingSession.objects.filter(training=course).count() == 5


def test_attendance_grid_is_posted_per_session(world, course, login):
    client = login(world.tara)
    alice = Participant.objects.get(user=world.alice)
    other = Participant.objects.get(name="Aigerim K.")
    sessions = list(course.sessions.all())
    post = {"save": "yes", f"pre-{alice.pk}": "5", f"post-{alice.pk}": "15"}
    for s in sessions:
        post[f"att-{alice.pk}-{s.pk}"] = "on"
    post[f"att-{other.pk}-{sessions[0].pk}"] = "on"
    resp = client.post(reverse("training:results_set", args=[course.pk]), post)
    assert resp.status_code == 302
    alice.refresh_from_db()
    other.refresh_from_db()
    assert (alice.attended, alice.sessions.count(), alice.change) == (True, 5, 10)
    assert (other.attended, other.sessions.count()) == (False, 1)
    page = client.get(reverse("training:detail", args=[course.pk])).content.decode()
    assert "5/5" in page and "1/5" in page
