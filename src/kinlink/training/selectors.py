"""Reading trainings, certificates, the training plan and the good-practice library."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from kinlink.accounts.roles import can

from .models import GoodPractice, Participant, Topic, Training


def trainings(*, user) -> QuerySet[Training]:
    """The trainings of the trainer's agency, and those other agencies published to them."""
    if not can(user, "manage_trainings"):
        raise PermissionDenied("manage_trainings")
    return (
        Training.objects.restrict(user, "view")
        .select_related("agency")
        .annotate(
            n_participants=Count("participants", distinct=True),
            n_attended=Count("participants", filter=Q(participants__attended=True), distinct=True),
            n_sessions=Count("sessions", distinct=True),
        )
    )


def may_edit(user, training: Training) -> bool:
    return Training.objects.restrict(user, "change").filter(pk=training.pk).exists()


def attendance_rows(training: Training) -> tuple[list, list[dict]]:
    """(sessions, one row per participant: the sessions attended and the count)."""
    sessions = list(training.sessions.all())
    rows = []
    for p in training.participants.prefetch_related("sessions"):
        present = {s.pk for s in p.sessions.all()}
        rows.append(
            {
                "p": p,
                "cells": [(s, s.pk in present) for s in sessions],
                "count": len(present),
            }
        )
    return sessions, rows


def training_get(*, user, training_id) -> Training:
    return trainings(user=user).get(pk=training_id)


def participant_for_certificate(*, user, participant_id) -> Participant:
    """A trainer of the organising agency, or the participant themself; only for someone who
    attended (with sessions: enough of them)."""
    p = Participant.objects.select_related("training").get(pk=participant_id)
    own = bool(p.user_id and p.user_id == user.pk)
    if not (own or (can(user, "manage_trainings") and may_edit(user, p.training))):
        raise Participant.DoesNotExist
    if not p.attended:
        raise Participant.DoesNotExist
    return p


def score_summary(training: Training) -> dict:
    scored = [p for p in training.participants.all() if p.change is not None]
    if not scored:
        return {"n": 0}
    pre = sum(p.pre_score for p in scored) / len(scored)
    post = sum(p.post_score for p in scored) / len(scored)
    return {
        "n": len(scored),
        "pre": round(pre, 1),
        "post": round(post, 1),
        "change": round(post - pre, 1),
    }


def training_plan(*, user, lang: str) -> list[dict]:
    """The city survey's training needs, ranked, each with the trainings held or planned on it."""
    if not (can(user, "manage_trainings") and can(user, "see_city_surveys")):
        raise PermissionDenied("training plan")
    from kinlink.questionnaires.selectors import city_comparison

    comparison = city_comparison(user=user, lang=lang)
    held: dict[str, list[Training]] = {}
    for t in Training.objects.restrict(user, "view").order_by("starts_on"):
        held.setdefault(t.topic, []).append(t)
    topics = set(Topic.values)
    return [
        {
            "need": need,
            "trainings": held.get(need.name, []),
            "topic": need.name if need.name in topics else Topic.OTHER,
        }
        for need in comparison.needs
    ]


def practices(*, user, query: str = "", tag: str = "") -> QuerySet[GoodPractice]:
    """Published practices for everyone; reviewers also see those waiting; authors their own."""
    qs = GoodPractice.objects.prefetch_related("trainings")
    visible = Q(status=GoodPractice.Status.PUBLISHED) | Q(submitted_by=user)
    if can(user, "manage_trainings"):
        visible |= Q(status=GoodPractice.Status.SUBMITTED)
    qs = qs.filter(visible)
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(problem__icontains=word)
            | Q(response__icontains=word)
            | Q(results__icontains=word)
            | Q(tags__icontains=word)
            | Q(organisation__icontains=word)
            | Q(city__icontains=word)
        )
    if tag:
        qs = qs.filter(tags__icontains=tag)
    return qs


def practice_get(*, user, practice_id) -> GoodPractice:
    return practices(user=user).get(pk=practice_id)
