"""The case page: who sees it, what it shows, which actions it offers; the audit entry."""

import uuid

import pytest
from django.urls import reverse

from kinlink.cases import services as cs
from kinlink.core.models import AuditEvent


@pytest.fixture
def rich_case(world, alice_case):
    cs.family_member_add(
        actor=world.alice,
        case_id=alice_case.pk,
        data=cs.FamilyInput(relationship="mother", given_name="Gulnora", phone="+7 900"),
    )
    cs.document_add(
        actor=world.alice,
        case_id=alice_case.pk,
        data=cs.DocumentInput(kind="passport", number="TJ7654321", issuing_country="TJ"),
    )
    cs.note_add(actor=world.alice, case_id=alice_case.pk, body="Met at the station")
    return alice_case


@pytest.mark.parametrize("who", ["alice", "sam", "max", "nina", "ada"])
def test_case_page_renders_for_those_in_scope(world, login, rich_case, who):
    response = login(getattr(world, who)).get(reverse("cases:detail", args=[rich_case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Мухаммед" in html and "TJ7654321" in html and "Gulnora" in html
    assert "Met at the station" in html
    assert "Initial assessment" in html  # due items


@pytest.mark.parametrize("who", ["bob", "oscar", "olga", "umid", "kemal", "stan", "sys"])
def test_case_page_is_404_outside_scope(world, login, alice_case, who):
    response = login(getattr(world, who)).get(reverse("cases:detail", args=[alice_case.pk]))
    assert response.status_code == 404


def test_forged_id_is_404(world, login):
    response = login(world.alice).get(reverse("cases:detail", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_case_page_leaves_a_view_entry(world, login, alice_case):
    login(world.alice).get(reverse("cases:detail", args=[alice_case.pk]))
    event = AuditEvent.objects.filter(action="view", actor=world.alice).last()
    assert event.case_id == alice_case.pk and event.object_type == "cases.case"
    assert event.channel == "web" and event.path == reverse("cases:detail", args=[alice_case.pk])


def test_actions_offered_by_role(world, login, alice_case):
    owner = login(world.alice).get(reverse("cases:detail", args=[alice_case.pk]))
    assert owner.context["perms"]["work"] and not owner.context["perms"]["reassign"]
    html = owner.content.decode()
    assert reverse("cases:note", args=[alice_case.pk]) in html
    assert reverse("cases:reassign", args=[alice_case.pk]) not in html

    supervisor = login(world.sam).get(reverse("cases:detail", args=[alice_case.pk]))
    assert supervisor.context["perms"]["reassign"]
    assert reverse("cases:reassign", args=[alice_case.pk]) in supervisor.content.decode()

    manager = login(world.max).get(reverse("cases:detail", args=[alice_case.pk]))
    html = manager.content.decode()
    assert not any(manager.context["perms"][k] for k in ("work", "edit", "closure", "reassign"))
    assert reverse("cases:note", args=[alice_case.pk]) not in html
    assert "<form" not in html.split('id="case-body"')[1].split("</main>")[0]


def test_htmx_request_gets_only_the_case_body(world, login, alice_case):
    response = login(world.alice).get(
        reverse("cases:detail", args=[alice_case.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="case-body">') and "<html" not in html
