"""The supervisor's alert board: scoped, audited, filtered, oldest first, one-click fixes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.care import choices as k
from kinlink.core.models import AuditEvent

from ..care.conftest import child_case, place, place_active, years_ago


@pytest.fixture
def alerts(world):
    young = child_case(world.alice, dob=years_ago(1), given="Малыш")
    place_active(world.alice, young, k.CareType.RESIDENTIAL_INSTITUTION, emergency=True)
    held = child_case(world.olga, dob=years_ago(9), given="Далер")  # Astana
    place(world.olga, held, k.CareType.DETENTION)
    for case in (young, held):
        engine.evaluate_case(case.pk)
    return young, held


def test_supervisor_sees_own_office_oldest_first_and_it_is_audited(world, alerts, login):
    young, held = alerts
    Alert.objects.system("t").filter(case=young, kind="guardian_missing").update(
        since=timezone.now() - timedelta(days=5)
    )
    client = login(world.sam)
    before = AuditEvent.objects.filter(actor=world.sam).count()
    body = client.get("/alerts/").content.decode()
    assert "Малыш" in body and "Далер" not in body
    body = body[body.index('id="alert-board"') :]
    assert body.index("Unaccompanied child without a guardian") < body.index(
        "Child under 3 in residential care"
    )
    assert AuditEvent.objects.filter(actor=world.sam).count() > before


def test_manager_sees_the_agency_and_filters(world, alerts, login):
    client = login(world.max)
    body = client.get("/alerts/?rule=38").content.decode()
    assert "Далер" in body and "Малыш" not in body
    body = client.get("/alerts/?severity=critical").content.decode()
    assert "Child in immigration detention" in body


@pytest.mark.parametrize("persona", ["alice", "pia", "stan", "sys"])
def test_roles_without_alerts_get_403(world, alerts, login, persona):
    assert login(getattr(world, persona)).get("/alerts/").status_code == 403


def test_open_redirects_to_the_fix_and_404_out_of_scope(world, alerts, login):
    young, held = alerts
    alert = Alert.objects.system("t").get(case=young, kind="under3_residential")
    resp = login(world.sam).get(f"/alerts/{alert.pk}/")
    assert resp.status_code == 302 and resp["Location"].startswith(f"/cases/{young.pk}/")
    assert f"open=review-{alert.subject_id}" in resp["Location"]
    other = Alert.objects.system("t").get(case=held, kind="detention")
    assert login(world.sam).get(f"/alerts/{other.pk}/").status_code == 404


def test_fix_from_the_case_page_clears_the_alert(
    world, alerts, login, django_capture_on_commit_callbacks
):
    young, _held = alerts
    alert = Alert.objects.system("t").get(case=young, kind="under3_residential")
    client = login(world.sam)
    page = client.get(alert.fix_url).content.decode()
    assert "Record the gatekeeping review" in page and "case-alert" in page
    prefix = f"rv-{alert.subject_id.replace('-', '')[:8]}"
    url = f"/care/cases/{young.pk}/placements/{alert.subject_id}/review/"
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            url,
            {
                f"{prefix}-reviewed_on": timezone.localdate().isoformat(),
                f"{prefix}-outcome": "continue",
                f"{prefix}-notes": "Seen the child",
                f"{prefix}-residential_justification": "Medical care",
            },
        )
    assert resp.status_code == 302
    alert.refresh_from_db()
    assert alert.cleared_at is not None
