"""Rule 32: reopening a BID requires a BID review report referring to the completed BID. A
supervisor reopens it; the old decision is kept (status "reopened") and a new BID opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinlink.care import bip
from kinlink.care import choices as k
from kinlink.care.models import BestInterestsProcess
from kinlink.core.models import AuditEvent

from .conftest import child_case, years_ago
from .test_best_interests import _bid


def _review(world, case, bid, *, complete=True):
    r = bip.bip_start(
        actor=world.sam,
        case_id=case.pk,
        kind=k.BipKind.BID_REVIEW,
        trigger=bid.trigger,
        reviews_id=bid.pk,
    )
    if complete:
        for name in ("Protection officer", "Psychologist", "Social worker"):
            bip.bid_panel_add(
                actor=world.sam,
                case_id=case.pk,
                process_id=r.pk,
                name=name,
                confidentiality_signed=True,
            )
        r = bip.bid_decide(
            actor=world.sam,
            case_id=case.pk,
            process_id=r.pk,
            data=bip.BidDecision(
                child_views="Wants to be reconsidered",
                decision="Reopen: the aunt withdrew",
                reasons="New facts",
                review_on=timezone.localdate() + timedelta(days=30),
            ),
        )
    return r


@pytest.fixture
def decided(world):
    case = child_case(world.alice, dob=years_ago(15))
    return case, _bid(world, case)


def _reopen(actor, case, bid, review, reason="The aunt withdrew her offer"):
    return bip.bid_reopen(
        actor=actor,
        case_id=case.pk,
        process_id=bid.pk,
        review_id=review.pk if review else None,
        reason=reason,
    )


def _status(bid):
    return BestInterestsProcess.objects.system("t").get(pk=bid.pk).status


def test_reopening_without_a_review_report_is_refused(world, decided):
    case, bid = decided
    with pytest.raises(ValidationError, match="rule 32"):
        _reopen(world.sam, case, bid, None)
    assert _status(bid) == k.BipStatus.COMPLETED


def test_an_unfinished_review_report_is_not_enough(world, decided):
    case, bid = decided
    review = _review(world, case, bid, complete=False)
    with pytest.raises(ValidationError, match="rule 32"):
        _reopen(world.sam, case, bid, review)
    assert _status(bid) == k.BipStatus.COMPLETED


def test_a_review_of_another_bid_is_refused(world, decided):
    case, bid = decided
    other = _bid(world, case)
    review = _review(world, case, other)
    with pytest.raises(ValidationError, match="rule 32"):
        _reopen(world.sam, case, bid, review)
    assert _status(bid) == k.BipStatus.COMPLETED


def test_reason_required_and_only_supervisors_reopen(world, decided):
    case, bid = decided
    review = _review(world, case, bid)
    with pytest.raises(ValidationError) as exc:
        _reopen(world.sam, case, bid, review, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        _reopen(world.alice, case, bid, review)
    with pytest.raises(PermissionDenied):  # a supervisor of another office
        _reopen(world.oscar, case, bid, review)
    assert _status(bid) == k.BipStatus.COMPLETED


def test_reopening_keeps_the_decision_and_opens_a_new_bid(world, decided):
    case, bid = decided
    review = _review(world, case, bid)
    new = _reopen(world.sam, case, bid, review)
    old = BestInterestsProcess.objects.system("t").get(pk=bid.pk)
    assert old.status == k.BipStatus.REOPENED and old.reopened_by_review_id == review.pk
    assert old.decision == "Resettlement with the aunt" and old.reopened_on == timezone.localdate()
    assert new.kind == k.BipKind.BID and new.status == k.BipStatus.OPEN and new.reopens_id == bid.pk
    assert AuditEvent.objects.filter(actor=world.sam, object_id=str(bid.pk)).exists()
    # a reopened BID is not a completed one any more: no second reopening, no rule 28 support
    with pytest.raises(ValidationError):
        _reopen(world.sam, case, bid, review)
    assert bip._completed_bid(case) is None


def test_reopen_through_the_case_page(world, decided, login):
    case, bid = decided
    review = _review(world, case, bid)
    client = login(world.sam)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Reopen the BID on the review report" in page
    prefix = f"reopen-{bid.pk.hex[:8]}"
    url = f"/care/cases/{case.pk}/bips/{bid.pk}/reopen/"
    resp = client.post(url, {f"{prefix}-review_id": str(review.pk), f"{prefix}-reason": ""})
    assert resp.status_code == 200 and _status(bid) == k.BipStatus.COMPLETED
    resp = client.post(
        url, {f"{prefix}-review_id": str(review.pk), f"{prefix}-reason": "New facts"}
    )
    assert resp.status_code == 302 and _status(bid) == k.BipStatus.REOPENED
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "bid-reopened" in page
    # a caseworker never sees the form and is refused by role
    assert "Reopen the BID" not in login(world.alice).get(f"/cases/{case.pk}/").content.decode()
    assert login(world.alice).post(url, {}).status_code == 403
