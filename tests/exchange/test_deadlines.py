"""Rule 43: acknowledgement and reply deadlines in working days (working week and public
holidays of the deployment), shown on the pages and fed to the alert board on both sides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.cases import services as cs
from kinlink.cases.models import Approval
from kinlink.core.models import PublicHoliday, SopProfile
from kinlink.exchange import selectors
from kinlink.exchange import services as xs
from kinlink.exchange.deadlines import add_working_days, working_weekdays
from kinlink.exchange.models import CrossBorderRequest

from .conftest import referral_body

pytestmark = pytest.mark.django_db

# 2026-11-27 is a Friday; 2026-11-28/29 the weekend.
FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def at(day: date) -> datetime:
    """The end of a (UTC) day: where a working-day deadline falls."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


@pytest.fixture
def sop(db):
    return SopProfile.current()


# --------------------------------------------------------------------------- the calendar


def test_working_days_skip_the_weekend(sop):
    assert FRIDAY.isoweekday() == 5
    assert add_working_days(FRIDAY, 1, sop) == at(date(2026, 11, 30))  # Monday
    assert add_working_days(FRIDAY, 5, sop) == at(date(2026, 12, 4))  # next Friday
    saturday = FRIDAY + timedelta(days=1)
    assert add_working_days(saturday, 1, sop) == at(date(2026, 11, 30))
    assert add_working_days(saturday, 5, sop) == at(date(2026, 12, 4))


def test_public_holidays_are_not_working_days(sop):
    PublicHoliday.objects.create(date=date(2026, 11, 30), name="Holiday")
    PublicHoliday.objects.create(date=date(2026, 12, 2), name="Another")
    assert add_working_days(FRIDAY, 1, sop) == at(date(2026, 12, 1))
    # Mon and Wed are holidays: Tue, Thu, Fri, Mon, Tue
    assert add_working_days(FRIDAY, 5, sop) == at(date(2026, 12, 8))
    # a holiday on a weekend day changes nothing
    PublicHoliday.objects.create(date=date(2026, 11, 28), name="On a Saturday")
    assert add_working_days(FRIDAY, 5, sop) == at(date(2026, 12, 8))


def test_the_working_week_is_configurable(sop):
    sop.working_weekdays = "7,1,2,3,4"  # Sunday to Thursday
    thursday = FRIDAY - timedelta(days=1)
    assert add_working_days(thursday, 1, sop) == at(date(2026, 11, 29))  # Sunday
    assert add_working_days(FRIDAY, 1, sop) == at(date(2026, 11, 29))
    for broken in ("", "x", "0,8", ",,"):
        sop.working_weekdays = broken
        assert working_weekdays(sop) == frozenset({1, 2, 3, 4, 5})


def test_deadlines_per_type_and_urgency(sop):
    ack, reply = xs.deadlines("referral", False, FRIDAY, sop)
    assert ack == at(date(2026, 12, 4)) and reply == FRIDAY + timedelta(days=30)
    ack, _reply = xs.deadlines("referral", True, FRIDAY, sop)  # urgent: 48 h, weekend or not
    assert ack == FRIDAY + timedelta(hours=48)
    ack, _reply = xs.deadlines("danger_alert", False, FRIDAY, sop)
    assert ack == FRIDAY + timedelta(hours=24)
    _ack, reply = xs.deadlines("social_enquiry", False, FRIDAY, sop)
    assert reply == FRIDAY + timedelta(days=84)
    sop.xb_acknowledge_days = 3  # an example SOP: 3 working days
    ack, _reply = xs.deadlines("tracing_request", False, FRIDAY, sop)
    assert ack == at(date(2026, 12, 2))


# --------------------------------------------------------------------------- receiver


def test_inbound_referral_received_on_a_friday(world, remote, login):
    PublicHoliday.objects.create(date=date(2026, 12, 3), name="Holiday")
    with time_machine.travel(FRIDAY, tick=False):
        _env, token = remote.send("referral", referral_body())
        xs.inbox_receive(token)
    req = CrossBorderRequest.objects.system("t").get()
    # Mon, Tue, Wed, (Thu holiday), Fri, Mon
    assert req.acknowledge_due == at(date(2026, 12, 7))
    assert selectors.overdue(req, at(date(2026, 12, 7))) == []
    assert selectors.overdue(req, at(date(2026, 12, 7)) + timedelta(seconds=1)) == ["acknowledge"]
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), tick=False):
        page = login(world.carl).get(reverse("exchange:home")).content.decode()
        assert "acknowledgement overdue" in page
        detail = login(world.carl).get(reverse("exchange:request", args=[req.pk]))
        assert "The acknowledgement is overdue." in detail.content.decode()
        xs.request_acknowledge(actor=world.carl, request_id=req.pk)
        req.refresh_from_db()
        assert selectors.overdue(req) == []
        page = login(world.carl).get(reverse("exchange:home")).content.decode()
        assert "acknowledgement overdue" not in page


# --------------------------------------------------------------------------- sender


def _sent_at(world, case, remote, when, **kw):
    args = dict(
        actor=world.alice,
        case_id=case.pk,
        partner_id=remote.partner.pk,
        kind="referral",
        fields=xs.request_prefill(case, "referral") | {"reason": "Needs protection"},
        purpose="Protection on return",
        legal_basis="consent",
    )
    args.update(kw)
    with time_machine.travel(when, tick=False):
        req = xs.request_draft(**args)
        xs.request_harm_check(actor=world.alice, request_id=req.pk, risk=False, note="ok")
        xs.request_submit(actor=world.alice, request_id=req.pk)
        ap = Approval.objects.system("t").get(subject="crossborder", state="pending")
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    return CrossBorderRequest.objects.system("t").get(pk=req.pk)


def _xb_alerts(case):
    return {
        a.kind: a
        for a in Alert.objects.system("t").filter(
            case=case, cleared_at__isnull=True, kind__startswith="xb_"
        )
    }


def test_partner_late_acknowledgement_raises_and_clears_an_alert(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    req = _sent_at(world, consented_case, remote, FRIDAY)
    assert req.acknowledge_due == at(date(2026, 12, 4))
    engine.evaluate_case(consented_case.pk, now=at(date(2026, 12, 4)))
    assert _xb_alerts(consented_case) == {}  # not yet late at the last second
    engine.evaluate_case(consented_case.pk, now=datetime(2026, 12, 5, 8, 0, tzinfo=UTC))
    alert = _xb_alerts(consented_case)["xb_partner_ack_overdue"]
    assert alert.rule == 43 and alert.severity == "warning"
    assert alert.fix_url == reverse("exchange:request", args=[req.pk])
    assert alert.since == req.acknowledge_due
    # the partner's acknowledgement arrives: the alert clears on commit
    with time_machine.travel(datetime(2026, 12, 5, 9, 0, tzinfo=UTC), tick=False):
        _env, token = remote.send("acknowledgement", {"ref": str(req.ref), "fields": {}})
        with django_capture_on_commit_callbacks(execute=True):
            xs.inbox_receive(token)
    assert _xb_alerts(consented_case) == {}
    assert Alert.objects.system("t").get(pk=alert.pk).cleared_at is not None
    # 30 days without a reply: the reply alert, until the response arrives
    late = FRIDAY + timedelta(days=31)
    engine.evaluate_case(consented_case.pk, now=late)
    assert set(_xb_alerts(consented_case)) == {"xb_partner_reply_overdue"}
    with time_machine.travel(late, tick=False):
        _env, token = remote.send(
            "response", {"ref": str(req.ref), "fields": {"decision": "accept"}}
        )
        with django_capture_on_commit_callbacks(execute=True):
            xs.inbox_receive(token)
    assert _xb_alerts(consented_case) == {}


def test_unacknowledged_danger_alert_is_critical(world, consented_case, remote):
    req = _sent_at(
        world,
        consented_case,
        remote,
        FRIDAY,
        kind="danger_alert",
        fields={"child_given_name": "Oysha", "danger": "trafficking", "measures_taken": "x"},
        legal_basis="vital_interest",
    )
    assert req.acknowledge_due == FRIDAY + timedelta(hours=24)
    engine.evaluate_case(consented_case.pk, now=FRIDAY + timedelta(hours=25))
    assert _xb_alerts(consented_case)["xb_partner_ack_overdue"].severity == "critical"


def test_withdrawn_request_has_no_deadline_alert(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    req = _sent_at(world, consented_case, remote, FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        xs.request_withdraw(actor=world.alice, request_id=req.pk)
    engine.evaluate_case(consented_case.pk, now=FRIDAY + timedelta(days=40))
    assert _xb_alerts(consented_case) == {}
