"""Rule 11: a case owner's open caseload above the SOP profile's limit raises an alert about
that person (no case) for their office's supervisors; it clears when the caseload drops.
Evaluated on registration, closure and reassignment (kinlink.cases.hooks.case_changed) and by
the hourly job."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.cases import services as cs
from kinlink.cases.models import Case
from kinlink.core.models import SopProfile

from ..conftest import register

NAMES = ["Азиз", "Bek", "Dana", "Erlan", "Farid", "Gulnar"]


@pytest.fixture(autouse=True)
def unweighted(db):
    """The tests below count cases; the weighting by risk has its own tests at the end."""
    sop = SopProfile.current()
    sop.caseload_weight_high = sop.caseload_weight_medium = sop.caseload_weight_low = 1.0
    sop.save()
    return sop


@pytest.fixture
def limit_two(world):
    sop = SopProfile.current()
    sop.caseload_limit = 2
    sop.save()
    return sop


def _cases(actor, n, capture):
    out = []
    for i in range(n):
        with capture(execute=True):
            out.append(register(actor, given=NAMES[i], family="Test"))
    return out


def _open(user):
    return list(
        Alert.objects.system("t").filter(kind="caseload", subject_user=user, cleared_at=None)
    )


def test_at_the_limit_no_alert_one_above_raises_for_the_person(
    world, limit_two, django_capture_on_commit_callbacks
):
    _cases(world.alice, 2, django_capture_on_commit_callbacks)
    assert _open(world.alice) == []  # the boundary: exactly the limit
    _cases(world.alice, 1, django_capture_on_commit_callbacks)
    [alert] = _open(world.alice)
    assert alert.case_id is None and alert.rule == 11 and alert.severity == "high"
    assert alert.key == f"caseload:{world.alice.pk}"
    assert alert.fix_url.startswith("/cases/?") and str(world.almaty.pk) in alert.fix_url
    assert _open(world.bob) == []


def test_closure_drops_the_caseload_and_clears_it(
    world, limit_two, django_capture_on_commit_callbacks
):
    cases = _cases(world.alice, 3, django_capture_on_commit_callbacks)
    assert _open(world.alice)
    sop = SopProfile.current()
    sop.approve_closures = False
    sop.save()
    with django_capture_on_commit_callbacks(execute=True):
        cs.case_request_closure(actor=world.alice, case_id=cases[0].pk, reason="goals_met", note="")
    assert Case.objects.system("t").get(pk=cases[0].pk).status == "closed"
    assert _open(world.alice) == []
    cleared = Alert.objects.system("t").get(kind="caseload", subject_user=world.alice)
    assert cleared.cleared_at is not None


def test_reassignment_moves_the_alert_to_the_new_owner(
    world, limit_two, django_capture_on_commit_callbacks
):
    cases = _cases(world.alice, 3, django_capture_on_commit_callbacks)
    _cases(world.bob, 2, django_capture_on_commit_callbacks)
    assert _open(world.alice) and not _open(world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        cs.case_reassign(
            actor=world.sam, case_id=cases[0].pk, new_owner_id=world.bob.pk, reason="Leave"
        )
    assert _open(world.alice) == [] and len(_open(world.bob)) == 1


def test_the_hourly_job_catches_a_lowered_limit_and_it_is_not_double_raised(world):
    for name in NAMES[:3]:
        register(world.alice, given=name, family="Test")
    assert _open(world.alice) == []  # default limit 25
    sop = SopProfile.current()
    sop.caseload_limit = 2
    sop.save()
    engine.evaluate_all()
    engine.evaluate_all()
    assert len(_open(world.alice)) == 1
    sop.caseload_limit = 3
    sop.save()
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        engine.evaluate_all()
    assert _open(world.alice) == []


def test_supervisor_is_mailed_and_sees_it_others_do_not(
    world, limit_two, login, django_capture_on_commit_callbacks
):
    for u in (world.sam, world.oscar, world.alice, world.max):
        u.email = f"{u.username}@example.org"
        u.save()
    mail.outbox.clear()
    _cases(world.alice, 3, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["sam@example.org"]
    assert "Alice" not in mail.outbox[0].body
    body = login(world.sam).get("/alerts/?rule=11").content.decode()
    assert "Caseworker above the caseload limit" in body and "Alice" in body
    # the Astana supervisor has no need to know about an Almaty caseworker
    assert "Caseworker above the caseload limit" not in login(world.oscar).get(
        "/alerts/"
    ).content.decode("utf-8")
    # the agency's manager sees it; the caseworker has no board
    assert "Alice" in login(world.max).get("/alerts/?rule=11").content.decode()
    alert = _open(world.alice)[0]
    assert login(world.oscar).get(f"/alerts/{alert.pk}/").status_code == 404
    assert login(world.sam).get(f"/alerts/{alert.pk}/")["Location"] == alert.fix_url


def test_scope_of_person_alerts(world, limit_two):
    for name in NAMES[:3]:
        register(world.alice, given=name, family="Test")
    engine.evaluate_all()
    alert = _open(world.alice)[0]
    seen = {
        name: Alert.objects.restrict(getattr(world, name), "view").filter(pk=alert.pk).exists()
        for name in ("alice", "bob", "sam", "oscar", "max", "nina", "umid", "pia", "sys")
    }
    assert seen == {
        "alice": True,
        "bob": False,
        "sam": True,
        "oscar": False,
        "max": True,
        "nina": True,
        "umid": False,
        "pia": False,
        "sys": False,
    }


def test_weighted_by_risk_high_risk_cases_reach_the_limit_sooner(world):
    """DOMAIN.md rule 11: 'weighted by risk'. By default a high-risk case weighs 25/15, so
    that 15 high-risk cases reach the limit of 25; here: limit 3, a high-risk case weighs 1.5."""
    sop = SopProfile.current()
    sop.caseload_limit = 3
    sop.caseload_weight_high = 1.5
    sop.save()
    register(world.alice, given="Азиз", family="Test", risk="low")
    high = register(world.alice, given="Bek", family="Test", risk="high")
    engine.evaluate_all()
    assert _open(world.alice) == []  # 1 + 1.5 = 2.5
    register(world.alice, given="Dana", family="Test", risk="medium")
    engine.evaluate_all()
    [alert] = _open(world.alice)  # 1 + 1.5 + 1 = 3.5: three cases, yet above the limit
    # the high-risk case is reassessed as low: 3.0, at the limit, and the alert clears
    cs.case_set_risk(actor=world.alice, case_id=high.pk, risk_level="low", reason="Reassessed")
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        engine.evaluate_all()
    assert _open(world.alice) == []


def test_default_weights_fifteen_high_risk_cases_reach_the_default_limit():
    from kinlink.alerts.people_rules import weights

    sop = SopProfile(name="defaults")
    w = weights(sop)
    assert 15 * w["high"] <= 25 + 0.1 and 16 * w["high"] > 25
    assert w["medium"] == w["low"] == w["not_assessed"] == 1.0
