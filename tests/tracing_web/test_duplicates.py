"""Possible duplicates: reviewed by a person, with a reason; the other case marked duplicate."""

import pytest
from django.urls import reverse

from kinlink.cases.models import Case
from kinlink.tracing.models import DuplicateCandidate

from ..conftest import register
from .conftest import consent_tracing


@pytest.fixture
def pair(world, run):
    first = run(register, world.alice, given="Мухаммед", family="Рахимов")
    run(consent_tracing, world.alice, first)
    second = run(register, world.alice, given="Muhammad", family="Rakhimov")
    run(consent_tracing, world.alice, second)
    return DuplicateCandidate.objects.system("test").get(), first, second


def test_duplicates_page_lists_the_pair(world, login, pair):
    dup, first, second = pair
    html = login(world.alice).get(reverse("tracing:duplicates")).content.decode()
    assert first.number in html and second.number in html and "Мухаммед" in html
    assert f"Same child: keep case {first.number}" in html


@pytest.mark.parametrize("who", ["umid", "olga"])
def test_outsiders_see_no_pair_and_get_404_on_deciding(world, login, pair, who):
    dup, first, _second = pair
    client = login(getattr(world, who))
    assert first.number not in client.get(reverse("tracing:duplicates")).content.decode()
    prefix = f"d-{dup.pk.hex[:8]}"
    response = client.post(
        reverse("tracing:duplicate_decide", args=[dup.pk]),
        {f"{prefix}-decision": "distinct", f"{prefix}-reason": "x"},
    )
    assert response.status_code == 404


def test_decision_needs_a_reason_then_marks_the_other_case(world, login, pair):
    dup, first, second = pair
    client = login(world.alice)
    url = reverse("tracing:duplicate_decide", args=[dup.pk])
    prefix = f"d-{dup.pk.hex[:8]}"
    keep_first = "keep_a" if dup.case_a_id == first.pk else "keep_b"
    response = client.post(url, {f"{prefix}-decision": keep_first, f"{prefix}-reason": ""})
    assert response.status_code == 200
    assert "Give the reason for your decision." in response.content.decode()
    dup.refresh_from_db()
    assert dup.state == "pending"
    response = client.post(
        url, {f"{prefix}-decision": keep_first, f"{prefix}-reason": "Same photo and parents"}
    )
    assert response.status_code == 302
    assert Case.objects.system("test").get(pk=second.pk).status == "duplicate"
    assert Case.objects.system("test").get(pk=first.pk).status == "open"
    html = client.get(reverse("tracing:duplicates")).content.decode()
    assert f"Case {second.number} was marked as a duplicate." in html


def test_different_children(world, login, pair):
    dup, _first, _second = pair
    prefix = f"d-{dup.pk.hex[:8]}"
    response = login(world.sam).post(
        reverse("tracing:duplicate_decide", args=[dup.pk]),
        {f"{prefix}-decision": "distinct", f"{prefix}-reason": "Different mothers"},
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.state == "distinct" and dup.decided_by == world.sam
