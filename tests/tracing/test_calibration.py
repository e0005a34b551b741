"""Caseworkers' decisions recalibrate the matcher; the command reports before and after."""

from datetime import date

import pytest
from django.core.management import call_command

from kinlink.tracing import calibration, engine
from kinlink.tracing import services as ts
from kinlink.tracing.models import MatcherModel, PotentialMatch

from .test_tracing_workflow import child_with_consent, request_for


@pytest.fixture(autouse=True)
def fresh_engine():
    engine.reset()
    yield
    engine.reset()


# (registered given, family, sibling given, requested given, family)
FAMILIES = [
    ("Мухаммед", "Рахимов", "Фаррух", "Muhammad", "Rakhimov"),
    ("Олександр", "Шевченко", "Тарас", "Oleksandr", "Shevchenko"),
    ("Юлія", "Коваль", "Ірина", "Yuliia", "Koval"),
]


def test_recalibration_learns_from_decisions(world, django_capture_on_commit_callbacks, capsys):
    def run(fn, *a, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*a, **kw)

    truth = {}
    for given, family, sibling, lat_given, lat_family in FAMILIES:
        case = child_with_consent(
            world, run, given=given, family=family, date_of_birth=date(2013, 3, 4)
        )
        child_with_consent(
            world, run, given=sibling, family=family, date_of_birth=date(2016, 8, 9)
        )  # a sibling: a hard negative
        req = request_for(world, run, given_name=lat_given, family_name=lat_family)
        truth[req.traces.get().pk] = case.pk
        # a vague request (family name only, age 13): both siblings come up, one is right
        vague = request_for(world, run, family_name=lat_family, age_years=13)
        truth[vague.traces.get().pk] = case.pk
    matches = list(PotentialMatch.objects.system("test"))
    for m in matches:
        ts.match_review(
            actor=world.olga,
            match_id=m.pk,
            confirm=truth[m.trace_id] == m.case_id,
            reason="reviewed with the mother",
        )
    confirmed = sum(truth[m.trace_id] == m.case_id for m in matches)
    assert confirmed >= len(FAMILIES) and len(matches) > confirmed  # siblings came up too

    assert not calibration.recalibrate(min_labels=1000).saved  # too few decisions: unchanged
    call_command("kinlink_recalibrate", "--dry-run", "--min-labels", "1")
    out = capsys.readouterr().out
    assert "before" in out and "after" in out and "dry run" in out
    assert not MatcherModel.objects.exists()

    result = calibration.recalibrate(min_labels=1)
    assert result.saved and result.before.labels == len(matches)
    active = MatcherModel.objects.get(active=True)
    assert active.trained_on == len(matches)
    assert result.after.log_loss <= result.before.log_loss
    assert engine.model_version() == str(active.pk)  # the engine now uses the new model
