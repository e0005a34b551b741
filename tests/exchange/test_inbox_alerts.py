"""Rule 43 on the receiving side before a request is linked to a case: the alert is about the
node's inbox, seen by its coordinators (not by caseworkers), mailed to them, and cleared by the
acknowledgement or the decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.exchange import services as xs
from kinlink.exchange.models import CrossBorderRequest

from .conftest import referral_body

pytestmark = pytest.mark.django_db


def _inbox_alerts():
    return {
        a.kind: a
        for a in Alert.objects.system("t").filter(
            cleared_at__isnull=True, kind__startswith="xb_inbox_"
        )
    }


def _received(remote):
    body = referral_body()
    _env, token = remote.send("referral", body)
    xs.inbox_receive(token)
    return CrossBorderRequest.objects.system("t").get(ref=body["ref"], direction="in")


def test_unacknowledged_request_alerts_the_coordinators_until_acknowledged(
    world, remote, login, django_capture_on_commit_callbacks
):
    world.carl.email = "carl@example.org"
    world.carl.save()
    req = _received(remote)
    engine.evaluate_all()
    assert _inbox_alerts() == {}  # within the deadline
    mail.outbox.clear()
    with time_machine.travel(req.acknowledge_due + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            engine.evaluate_all()
        alert = _inbox_alerts()["xb_inbox_ack_overdue"]
        assert alert.case_id is None and alert.subject_user_id is None and alert.rule == 43
        assert [m.to for m in mail.outbox] == [["carl@example.org"]]
        assert str(req.pk) not in mail.outbox[0].body  # a link only
        board = login(world.carl).get("/alerts/").content.decode()
        assert "Incoming cross-border request not acknowledged in time" in board
        # caseworkers and supervisors have no need to know about the inbox
        assert "Incoming cross-border" not in login(world.sam).get("/alerts/").content.decode()
        assert login(world.sam).get(f"/alerts/{alert.pk}/").status_code == 404
        assert login(world.carl).get(f"/alerts/{alert.pk}/")["Location"] == alert.fix_url
        with django_capture_on_commit_callbacks(execute=True):
            xs.request_acknowledge(actor=world.carl, request_id=req.pk)
        assert "xb_inbox_ack_overdue" not in _inbox_alerts()


def test_a_request_linked_to_a_case_leaves_the_inbox_alerts(
    world, remote, django_capture_on_commit_callbacks
):
    req = _received(remote)
    with time_machine.travel(req.acknowledge_due + timedelta(minutes=1), tick=False):
        engine.evaluate_all()
        assert "xb_inbox_ack_overdue" in _inbox_alerts()
        with django_capture_on_commit_callbacks(execute=True):
            xs.request_decide(
                actor=world.carl, request_id=req.pk, accept=True, assignee=world.alice
            )
        assert _inbox_alerts() == {}
    req.refresh_from_db()
    assert req.case_id is not None


def test_reply_deadline_of_an_undecided_request(world, remote):
    req = _received(remote)
    xs.request_acknowledge(actor=world.carl, request_id=req.pk)
    with time_machine.travel(req.response_due + timedelta(minutes=1), tick=False):
        engine.evaluate_all()
        assert set(_inbox_alerts()) == {"xb_inbox_reply_overdue"}
    assert timezone.now() < req.response_due
