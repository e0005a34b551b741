"""Potential matches: the explanation in words, the minimal summary before disclosure, the
child's caseworker deciding on disclosure, and confirming or rejecting with a reason."""

import uuid

import pytest
from django.urls import reverse

from kinlink.core.models import AuditEvent
from kinlink.tracing.models import PotentialMatch

CHILD_NAME = "Мухаммед"


def test_review_page_explains_field_by_field_without_the_child(world, login, match):
    response = login(world.olga).get(reverse("tracing:matches"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="match-{match.pk}"' in html
    assert "Family name" in html and "Date of birth or age" in html
    levels = {e["field"]: e["level"] for e in match.explanation}
    from kinlink.tracing.explain import explain_field

    assert explain_field("family_name", levels["family_name"]).text in html
    assert "Likely" in html and "probability" in html
    assert CHILD_NAME not in html and "Рахимов" not in html
    child_case_number = match.case.number
    assert child_case_number not in html
    assert "Ask the child's caseworker to disclose" in html


@pytest.mark.parametrize("who", ["olga", "oscar"])
def test_match_page_for_the_requesting_side(world, login, match, who):
    response = login(getattr(world, who)).get(reverse("tracing:match", args=[match.pk]))
    assert response.status_code == 200
    assert CHILD_NAME not in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "sam"])
def test_match_page_for_the_childs_side_shows_the_child(world, login, match, who):
    response = login(getattr(world, who)).get(reverse("tracing:match", args=[match.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert CHILD_NAME in html
    assert "Confirm the match" not in html  # only the requesting side reviews


@pytest.mark.parametrize("who", ["bob", "umid", "kemal"])
def test_match_page_is_404_outside_scope(world, login, match, who):
    assert (
        login(getattr(world, who)).get(reverse("tracing:match", args=[match.pk])).status_code == 404
    )


def test_match_page_forged_id_404_and_other_roles_403(world, login, match):
    assert login(world.olga).get(reverse("tracing:match", args=[uuid.uuid4()])).status_code == 404
    assert login(world.stan).get(reverse("tracing:match", args=[match.pk])).status_code == 403
    assert login(world.max).get(reverse("tracing:matches")).status_code == 403


def test_disclosure_asked_agreed_then_the_name_shows(world, login, match, tracing_request):
    olga = login(world.olga)
    request_url = reverse("tracing:request", args=[tracing_request.pk])
    assert CHILD_NAME not in olga.get(request_url).content.decode()
    response = olga.post(reverse("tracing:match_disclosure_request", args=[match.pk]))
    assert response.status_code == 302
    html = olga.get(response["Location"]).content.decode()
    assert "Requested from the case owner" in html and CHILD_NAME not in html
    # the requesting side cannot decide for the child
    decide = reverse("tracing:match_disclosure_decide", args=[match.pk])
    assert olga.post(decide, {"decision": "agree"}).status_code == 404

    alice = login(world.alice)
    html = alice.get(reverse("tracing:matches")).content.decode()
    assert "Disclosure requests about children you work with" in html
    case_html = alice.get(reverse("cases:detail", args=[match.case_id])).content.decode()
    assert "Disclosure requests" in case_html and decide in case_html
    assert alice.post(decide, {"decision": "agree"}).status_code == 302
    match.refresh_from_db()
    assert match.disclosure == "agreed" and match.disclosure_decided_by == world.alice

    olga = login(world.olga)
    html = olga.get(request_url).content.decode()
    assert CHILD_NAME in html and match.case.number in html
    assert CHILD_NAME in olga.get(reverse("tracing:matches")).content.decode()
    assert AuditEvent.objects.filter(actor=world.alice, action="disclose").exists()


def test_refused_disclosure_keeps_the_child_hidden(world, login, match):
    login(world.olga).post(reverse("tracing:match_disclosure_request", args=[match.pk]))
    decide = reverse("tracing:match_disclosure_decide", args=[match.pk])
    login(world.alice).post(decide, {"decision": "refuse"})
    html = login(world.olga).get(reverse("tracing:match", args=[match.pk])).content.decode()
    assert "Case owner refused" in html and CHILD_NAME not in html


def test_confirm_and_reject_need_a_reason(world, login, match):
    client = login(world.olga)
    url = reverse("tracing:match_review", args=[match.pk])
    for decision in ("confirm", "reject"):
        response = client.post(url, {"decision": decision, "reason": "  "})
        assert response.status_code == 200
        assert "Give the reason for your decision." in response.content.decode()
        match.refresh_from_db()
        assert match.state == "pending"
    response = client.post(
        url, {"decision": "confirm", "reason": "Mother described the scar on the left hand"}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.state == "confirmed" and match.reviewed_by == world.olga
    trace = match.trace
    assert trace.status == "matched" and trace.matched_case_id == match.case_id
    html = client.get(response["Location"]).content.decode()
    assert "The match was confirmed." in html and "scar on the left hand" in html
    assert "Confirm the match" not in html  # decided: no more buttons
    assert f'id="match-{match.pk}"' not in client.get(reverse("tracing:matches")).content.decode()


def test_reject_with_reason_over_htmx_returns_the_card(world, login, match):
    client = login(world.olga)
    url = reverse("tracing:match_review", args=[match.pk])
    response = client.post(
        url,
        {"decision": "reject", "reason": "Different mother's name"},
        headers={"HX-Request": "true"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="match-{match.pk}"' in html and "The match was rejected." in html
    assert PotentialMatch.objects.system("test").get(pk=match.pk).state == "rejected"


def test_childs_side_and_outsiders_cannot_review(world, login, match):
    url = reverse("tracing:match_review", args=[match.pk])
    assert login(world.alice).post(url, {"decision": "confirm", "reason": "x"}).status_code == 404
    assert login(world.umid).post(url, {"decision": "confirm", "reason": "x"}).status_code == 404
    assert login(world.max).post(url, {"decision": "confirm", "reason": "x"}).status_code == 403
    match.refresh_from_db()
    assert match.state == "pending"
