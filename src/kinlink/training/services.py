"""Writing trainings and good practices: atomic, validating; role refusals raise
PermissionDenied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import can
from kinlink.core import audit

from .models import GoodPractice, Participant, Training, TrainingModule, TrainingSession


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(capability)


def _training(actor, training_id) -> Training:
    """The training, locked, if the actor may edit it: a trainer of the organising agency (a
    training they may only see is refused; one hidden from them is not found)."""
    _require(actor, "manage_trainings")
    editable = Training.objects.restrict(actor, "change").select_for_update().filter(pk=training_id)
    training = editable.first()
    if training is None:
        if Training.objects.restrict(actor, "view").filter(pk=training_id).exists():
            raise PermissionDenied("not the organising agency")
        raise Training.DoesNotExist
    return training


@transaction.atomic
def training_create(*, actor, data: dict) -> Training:
    """A training organised by the actor's agency (an account without one cannot)."""
    _require(actor, "manage_trainings")
    if not actor.agency_id:
        raise ValidationError(_("Your account is not attached to an agency."))
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
def session_add(*, actor, training_id, held_on: date, title: str = "") -> TrainingSession:
    """A session of the training, on a day between its start and end."""
    training = _training(actor, training_id)
    if not training.starts_on <= held_on <= training.ends_on:
        raise ValidationError(
            _("A session is held between the training's start and end (%(start)s – %(end)s).")
            % {"start": training.starts_on.isoformat(), "end": training.ends_on.isoformat()}
        )
    session = TrainingSession.objects.create(training=training, held_on=held_on, title=title)
    audit.record(actor=actor, action="create", obj=session)
    return session


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
    attended: bool  # a training without sessions: attended or not
    pre_score: int | None
    post_score: int | None
    sessions: list[str] | None = None  # a training with sessions: the ones attended


@transaction.atomic
def results_record(*, actor, training_id, results: list[Result]) -> None:
    """Attendance and test scores of every participant at once; a score outside 0..max refuses
    the whole lot.

    With sessions, attendance is recorded per session and a participant is certified
    (``attended``) when they attended at least the training's ``certificate_share`` of the
    sessions; without sessions, ``attended`` is given directly."""
    training = _training(actor, training_id)
    by_id = {str(p.pk): p for p in training.participants.all()}
    sessions = {str(s.pk): s for s in training.sessions.all()}
    errors = []
    for r in results:
        if r.participant_id not in by_id:
            raise ValidationError(_("Unknown participant."))
        if any(s not in sessions for s in r.sessions or []):
            raise ValidationError(_("Unknown session."))
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
        p.pre_score, p.post_score = r.pre_score, r.post_score
        if sessions:
            present = sorted(set(r.sessions or []))
            p.sessions.set([sessions[s] for s in present])
            p.attended = training.qualifies(len(present), len(sessions))
        else:
            p.attended = r.attended
        if p.attended and not p.certificate_number:
            p.certificate_number = f"KL-{training.starts_on:%Y}-{p.pk.hex[:8].upper()}"
        p.save()
    audit.record(actor=actor, action="change", obj=training, detail={"results": len(results)})


@transaction.atomic
def training_publish(*, actor, training_id, visibility: str) -> Training:
    """Publish the training to other agencies (or take it back to the organising agency)."""
    from .models import Visibility

    training = _training(actor, training_id)
    if visibility not in Visibility.values:
        raise ValidationError(_("Unknown choice."))
    training.visibility = visibility
    training.save(update_fields=["visibility", "updated_at"])
    audit.record(actor=actor, action="change", obj=training, detail={"visibility": visibility})
    return training


@transaction.atomic
def practice_submit(*, actor, data: dict, trainings=()) -> GoodPractice:
    if not actor.is_authenticated:
        raise PermissionDenied
    practice = GoodPractice.objects.create(submitted_by=actor, **data)
    if trainings:
        ids = [t.pk for t in trainings]
        visible = list(Training.objects.restrict(actor, "view").filter(pk__in=ids))
        if len(visible) != len(set(ids)):
            raise ValidationError(_("Unknown training."))
        practice.trainings.set(visible)
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
