"""The receiver's side of a withdrawal (docs/exchange/withdrawal.md) and the cross-border
section of the case page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kinlink.alerts.models import Alert
from kinlink.core.models import AuditEvent
from kinlink.exchange import services as xs
from kinlink.exchange.models import CrossBorderRequest, InboundMessage

from ..conftest import register
from .conftest import referral_body

pytestmark = pytest.mark.django_db


def _accepted(world, remote, capture, case=None):
    """An inbound referral accepted by the coordinator: linked to ``case`` (or a new case for
    Alice)."""
    body = referral_body()
    _env, token = remote.send("referral", body)
    xs.inbox_receive(token)
    req = CrossBorderRequest.objects.system("t").get(ref=body["ref"])
    with capture(execute=True):
        xs.request_decide(
            actor=world.carl,
            request_id=req.pk,
            accept=True,
            assignee=None if case else world.alice.pk,
            case_number=case.number if case else "",
        )
    req.refresh_from_db()
    return req, body


def _withdraw(remote, body, capture, reason="consent_withdrawn"):
    _env, token = remote.send("restriction", {"ref": body["ref"], "fields": {"reason": reason}})
    with capture(execute=True):
        xs.inbox_receive(token)


def _restricted_alerts(case):
    return list(
        Alert.objects.system("t").filter(case=case, kind="xb_restricted", cleared_at__isnull=True)
    )


def test_withdrawal_restricts_the_linked_case(
    world, remote, django_capture_on_commit_callbacks, login
):
    capture = django_capture_on_commit_callbacks
    req, body = _accepted(world, remote, capture)
    case = req.case
    assert req.fields["child_family_name"] == "Karimova"
    _withdraw(remote, body, capture)
    req.refresh_from_db()
    # the received data is erased, the stored signed copies reduced to a digest
    assert req.fields == {} and req.status == "withdrawn" and req.restricted_at
    referral_msg = InboundMessage.objects.get(request=req, type="referral")
    assert referral_msg.signed.startswith("sha256:") and len(referral_msg.signed) == 71
    event = AuditEvent.objects.filter(action="change", object_id=str(req.pk)).last()
    assert event.detail["restricted"] == "consent_withdrawn"
    assert event.detail["case_flagged"] is True and event.detail["messages_erased"] >= 1
    # the case is flagged for its caseworker and supervisor
    (alert,) = _restricted_alerts(case)
    assert alert.severity == "high"
    # nothing more can be sent on the withdrawn request
    with pytest.raises(ValidationError):
        xs.message_send(
            actor=world.alice,
            request_id=req.pk,
            type_="follow_up_report",
            fields={"visit_date": "2026-01-05", "child_seen": True},
        )
    # the case page shows the withdrawal and the review form to the caseworker
    page = login(world.alice).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="exchange"' in page and "withdrew the data it sent" in page
    assert reverse("exchange:request_restriction_review_set", args=[req.pk]) in page
    assert "Karimova" not in page.split('id="exchange"')[1].split("</section>")[0]


def test_restriction_review_rules(world, remote, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    req, body = _accepted(world, remote, capture)
    # nothing withdrawn yet: no review
    with pytest.raises(ValidationError):
        xs.restriction_review(actor=world.alice, request_id=req.pk, outcome="removed", note="x")
    _withdraw(remote, body, capture)
    # out of scope (another caseworker) and roles that do not work cases
    with pytest.raises(PermissionDenied):
        xs.restriction_review(actor=world.bob, request_id=req.pk, outcome="removed", note="x")
    with pytest.raises(PermissionDenied):
        xs.restriction_review(actor=world.carl, request_id=req.pk, outcome="removed", note="x")
    # bad input changes nothing
    for outcome, note in (("", "x"), ("delete_all", "x"), ("removed", "  ")):
        with pytest.raises(ValidationError):
            xs.restriction_review(actor=world.alice, request_id=req.pk, outcome=outcome, note=note)
    req.refresh_from_db()
    assert req.restriction_reviewed_at is None and len(_restricted_alerts(req.case)) == 1
    with capture(execute=True):
        xs.restriction_review(
            actor=world.sam,
            request_id=req.pk,
            outcome="own_basis",
            note="Child is in our shelter; kept under our legal obligation",
        )
    req.refresh_from_db()
    assert req.restriction_reviewed_by == world.sam and req.restriction_outcome == "own_basis"
    assert _restricted_alerts(req.case) == []
    assert AuditEvent.objects.filter(detail__restriction_review="own_basis").exists()
    with pytest.raises(ValidationError):  # once
        xs.restriction_review(actor=world.alice, request_id=req.pk, outcome="removed", note="x")


def test_review_through_the_page(world, remote, django_capture_on_commit_callbacks, login):
    capture = django_capture_on_commit_callbacks
    req, body = _accepted(world, remote, capture)
    _withdraw(remote, body, capture)
    url = reverse("exchange:request_restriction_review_set", args=[req.pk])
    client = login(world.alice)
    assert client.post(url, {"outcome": "removed"}).status_code == 302  # no note: refused
    req.refresh_from_db()
    assert req.restriction_reviewed_at is None
    with capture(execute=True):
        resp = client.post(url, {"outcome": "removed", "note": "Names removed from the case"})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.restriction_outcome == "removed"
    assert login(world.bob).post(url, {"outcome": "removed", "note": "x"}).status_code == 404


def test_withdrawal_of_an_unlinked_request_flags_no_case(
    world, remote, django_capture_on_commit_callbacks
):
    body = referral_body()
    _env, token = remote.send("referral", body)
    xs.inbox_receive(token)
    _withdraw(remote, body, django_capture_on_commit_callbacks)
    req = CrossBorderRequest.objects.system("t").get()
    assert req.fields == {} and req.case_id is None and not req.needs_restriction_review
    with pytest.raises(ValidationError):  # the coordinator can no longer accept it
        xs.request_decide(actor=world.carl, request_id=req.pk, accept=True, assignee=world.alice)


def test_case_page_lists_requests_for_those_who_may_see_them(
    world, remote, django_capture_on_commit_callbacks, login
):
    case = register(world.alice)
    req, _body = _accepted(world, remote, django_capture_on_commit_callbacks, case=case)
    assert req.case_id == case.pk
    url = reverse("cases:detail", args=[case.pk])
    page = login(world.alice).get(url).content.decode()
    assert 'id="exchange"' in page
    assert reverse("exchange:request", args=[req.pk]) in page
    assert reverse("exchange:request_create", args=[case.pk]) in page
    # the manager sees the requests but may not send one
    page = login(world.max).get(url).content.decode()
    assert reverse("exchange:request", args=[req.pk]) in page
    assert reverse("exchange:request_create", args=[case.pk]) not in page
    # a case without requests, for a role that cannot send: no section at all
    other = register(world.alice)
    page = login(world.max).get(reverse("cases:detail", args=[other.pk])).content.decode()
    assert 'id="exchange"' not in page
    # a caseworker may send one from a case without requests
    page = login(world.alice).get(reverse("cases:detail", args=[other.pk])).content.decode()
    assert reverse("exchange:request_create", args=[other.pk]) in page
