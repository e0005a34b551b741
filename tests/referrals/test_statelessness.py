"""The statelessness alert (a Kinlink addition, rule 101 on the board): a child at risk of
statelessness or without birth registration, with no open referral to legal aid or birth
registration. Its one click opens the referral form with legal aid chosen; an open referral
of either kind clears it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kinlink.alerts.models import Alert
from kinlink.cases import services as cs
from kinlink.referrals import services as rs

from ..care.conftest import open_kinds
from ..conftest import register

KIND = "statelessness_risk"


def _refer(world, case, service):
    return rs.referral_create(
        actor=world.alice,
        case_id=case.pk,
        data=rs.ReferralInput(service_type=service, timeframe="3d", agency_name="NRC"),
    )


@pytest.mark.parametrize(
    "extra, raised",
    [
        ({"statelessness_risk": True}, True),
        ({"birth_registration": "not_registered"}, True),
        ({"birth_registration": "registered_no_certificate"}, True),
        ({"birth_registration": "registered"}, False),
        ({"birth_registration": "unknown"}, False),
    ],
)
def test_which_children_raise_it(world, extra, raised):
    case = register(world.alice, **extra)
    assert (KIND in open_kinds(case)) is raised


def test_other_referrals_do_not_clear_it_legal_aid_does(world):
    case = register(world.alice, statelessness_risk=True)
    _refer(world, case, "health")
    assert KIND in open_kinds(case)
    ref = _refer(world, case, "legal_aid")
    assert KIND not in open_kinds(case)
    alert = Alert.objects.system("t").get(case=case, kind=KIND)
    assert alert.cleared_at is not None and alert.rule == 101
    # a referral that is no longer open does not count: the alert comes back
    rs.referral_update(
        actor=world.alice, referral_id=ref.pk, status="rejected", reason="Full", barrier="capacity"
    )
    assert KIND in open_kinds(case)


def test_birth_registration_referral_clears_it(world):
    case = register(world.alice, birth_registration="not_registered")
    assert KIND in open_kinds(case)
    _refer(world, case, "birth_registration")
    assert KIND not in open_kinds(case)


def test_fixing_the_documents_clears_it(world, django_capture_on_commit_callbacks):
    case = register(world.alice, statelessness_risk=True)
    assert KIND in open_kinds(case)
    with django_capture_on_commit_callbacks(execute=True):
        cs.child_update(
            actor=world.alice,
            case_id=case.pk,
            changes={"statelessness_risk": False, "birth_registration": "registered"},
        )
    assert not Alert.objects.system("t").filter(case=case, kind=KIND, cleared_at=None).exists()


def test_one_click_opens_the_referral_form_with_legal_aid_and_the_referral_clears_it(
    world, login, django_capture_on_commit_callbacks
):
    case = register(world.alice, statelessness_risk=True)
    assert KIND in open_kinds(case)
    alert = Alert.objects.system("t").get(case=case, kind=KIND, cleared_at=None)
    client = login(world.sam)
    resp = client.get(f"/alerts/{alert.pk}/")
    assert resp.status_code == 302 and resp["Location"] == alert.fix_url
    page = client.get(alert.fix_url).content.decode()
    assert 'id="action-referral" open' in page
    assert '<option value="legal_aid" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            f"/services/cases/{case.pk}/referrals/",
            {
                "referral-service_type": "legal_aid",
                "referral-agency_name": "Lawyers' association",
                "referral-timeframe": "3d",
            },
        )
    assert resp.status_code == 302
    alert.refresh_from_db()
    assert alert.cleared_at is not None and alert.cleared_at <= timezone.now()
