"""Objects for the training URLs in the permission matrix: Tara's webinar with Alice as a
participant who attended, and a good practice of Cleo's waiting for review."""

from __future__ import annotations

from datetime import date

from kinlink.training import services

PK_FOR = {
    "training:detail": "t_training",
    "training:module_add": "t_training",
    "training:session_add": "t_training",
    "training:publish": "t_training",
    "training:participant_add": "t_training",
    "training:results_set": "t_training",
    "training:certificate": "t_participant",
    "training:practice": "t_practice",
    "training:practice_decide": "t_practice",
}


def build(world, base, capture) -> dict:
    training = services.training_create(
        actor=world.tara,
        data={
            "title": "Webinar",
            "topic": "trauma",
            "format": "online",
            "starts_on": date(2026, 3, 2),
            "ends_on": date(2026, 3, 2),
            "audience": ["social_workers"],
        },
    )
    alice = services.participant_add(
        actor=world.tara, training_id=training.pk, username="alice", audience="social_workers"
    )
    services.results_record(
        actor=world.tara,
        training_id=training.pk,
        results=[services.Result(str(alice.pk), True, 5, 9)],
    )
    practice = services.practice_submit(
        actor=world.cleo,
        data={"title": "Desk", "organisation": "Almaty", "problem": "p", "response": "r"},
    )
    return {"t_training": training.pk, "t_participant": alice.pk, "t_practice": practice.pk}
