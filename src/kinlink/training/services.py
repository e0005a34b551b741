"""Writing trainings and good practices: atomic, validating; role refusals raise
PermissionDenied."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import can
from kinlink.core import audit

from .models import GoodPractice, Participant, Training, TrainingModule


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(capability)


def _training(actor, training_id) -> Training:
    _require(actor, "manage_trainings")
    return Training.objects.select_for_update().get(pk=training_id)


@transaction.atomic
def training_create(*, actor, data: dict) -> Training:
    _require(actor, "manage_trainings")
    training = Training.objects.create(agency=actor.agency, created_by=actor, **data)
    audit.record(actor=actor, action="create", obj=training)
    return training


@transaction.atomic
def module_add(*, actor, training_id, title: str, minutes: int) -> TrainingModule:
    training = _training(actor, training_id)
    order = training.modules.count() + 1
    return TrainingModule.objects.create(
        training=training, order=order, title=title, minutes=minutes
    )


@transaction.atomic
def participant_add(
    *,
    actor,
    training_id,
    username: str = "",
    name: str = "",
    organisation: str = "",
    audience: str,
) -> Participant:
    training = _training(actor, training_id)
    user = None
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("No user with that name."))
        if training.participants.filter(user=user).exists():
            raise ValidationError(_("This person is already a participant."))
        name = name or str(user)
        organisation = organisation or (user.agency.name if user.agency_id else "")
    participant = Participant.objects.create(
        training=training, user=user, name=name, organisation=organisation, audience=audience
    )
    audit.record(actor=actor, action="create", obj=participant)
    return participant


@dataclass
class Result:
    participant_id: str
    attended: bool
    pre_score: int | None
    post_score: int | None


@transaction.atomic
def results_record(*, actor, training_id, results: list[Result]) -> None:
    """Attendance and test scores of every participant at once; a score outside 0..max refuses
    the whole lot."""
    training = _training(actor, training_id)
    by_id = {str(p.pk): p for p in training.participants.all()}
    errors = []
    for r in results:
        if r.participant_id not in by_id:
            raise ValidationError(_("Unknown participant."))
        for score in (r.pre_score, r.post_score):
            if score is not None and not 0 <= score <= training.max_score:
                errors.append(
                    _("%(name)s: scores go from 0 to %(max)d.")
                    % {"name": by_id[r.participant_id].name, "max": training.max_score}
                )
    if errors:
        raise ValidationError(errors)
    for r in results:
        p = by_id[r.participant_id]
        p.attended, p.pre_score, p.post_score = r.attended, r.pre_score, r.post_score
        if p.attended and not p.certificate_number:
            p.certificate_number = f"KL-{training.starts_on:%Y}-{p.pk.hex[:8].upper()}"
        p.save()
    audit.record(actor=actor, action="change", obj=training, detail={"results": len(results)})


@transaction.atomic
def practice_submit(*, actor, data: dict, trainings=()) -> GoodPractice:
    if not actor.is_authenticated:
        raise PermissionDenied
    practice = GoodPractice.objects.create(submitted_by=actor, **data)
    if trainings:
        practice.trainings.set(trainings)
    audit.record(actor=actor, action="create", obj=practice)
    return practice


@transaction.atomic
def practice_review(*, actor, practice_id, publish: bool, note: str = "") -> GoodPractice:
    _require(actor, "manage_trainings")
    practice = GoodPractice.objects.select_for_update().get(pk=practice_id)
    if practice.status != GoodPractice.Status.SUBMITTED:
        raise ValidationError(_("This practice was already reviewed."))
    if not publish and not note.strip():
        raise ValidationError(_("Say why the practice is returned."))
    practice.status = GoodPractice.Status.PUBLISHED if publish else GoodPractice.Status.REJECTED
    practice.review_note = note
    practice.reviewed_by = actor
    practice.reviewed_at = timezone.now()
    practice.save()
    audit.record(actor=actor, action="approve" if publish else "reject", obj=practice)
    return practice
