"""The case list: search in any script, filters, pages, htmx, audit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kinlink.cases.models import Case
from kinlink.core.models import AuditEvent

from ..conftest import register


def test_search_by_name_in_another_script_and_by_number(world, login):
    case = register(world.alice, given="Мухаммед", family="Рахимов")
    register(world.alice, given="Farida", family="Karimova")
    client = login(world.alice)
    html = client.get(reverse("cases:list"), {"q": "Mukhammed"}).content.decode()
    assert "Мухаммед" in html and "Farida" not in html
    html = client.get(reverse("cases:list"), {"q": case.number}).content.decode()
    assert case.number in html and "Farida" not in html


def test_list_audits_the_cases_shown(world, login):
    a = register(world.alice, given="Мухаммед")
    b = register(world.alice, given="Farida")
    login(world.alice).get(reverse("cases:list"), {"q": "Farida"})
    event = AuditEvent.objects.filter(action="search", actor=world.alice).last()
    assert event.detail["case_ids"] == [str(b.pk)]
    assert event.detail["query"] is True
    assert str(a.pk) not in event.detail["case_ids"]


def test_filters_and_overdue_only(world, login):
    late = register(world.alice, given="Farida", risk="low")
    register(world.alice, given="Aidana", risk="high")
    Case.objects.system("test").filter(pk=late.pk).update(
        next_due_at=timezone.now() - timedelta(days=1)
    )
    client = login(world.alice)
    html = client.get(reverse("cases:list"), {"risk_level": "high"}).content.decode()
    assert "Aidana" in html and "Farida" not in html
    html = client.get(reverse("cases:list"), {"overdue_only": "on"}).content.decode()
    assert "Farida" in html and "Aidana" not in html


def test_office_filter_for_agency_scope(world, login):
    register(world.alice, given="Aidana")
    register(world.olga, given="Olzhas")
    client = login(world.max)
    html = client.get(reverse("cases:list"), {"office": str(world.astana.pk)}).content.decode()
    assert "Olzhas" in html and "Aidana" not in html


def test_other_offices_and_countries_are_not_listed(world, login):
    register(world.umid, given="Oysha")
    register(world.olga, given="Olzhas")
    html = login(world.alice).get(reverse("cases:list")).content.decode()
    assert "Oysha" not in html and "Olzhas" not in html


def test_pagination_25_a_page(world, login):
    for i in range(27):
        register(world.alice, given=f"Child{i:02d}", family="Test")
    client = login(world.alice)
    first = client.get(reverse("cases:list"))
    assert len(first.context["cases"]) == 25
    second = client.get(reverse("cases:list"), {"page": 2})
    assert len(second.context["cases"]) == 2
    event = AuditEvent.objects.filter(action="search", actor=world.alice).last()
    assert len(event.detail["case_ids"]) == 2


def test_htmx_request_gets_only_the_results(world, login):
    register(world.alice, given="Farida")
    response = login(world.alice).get(
        reverse("cases:list"), {"q": "Farida"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and "Farida" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("who", ["stan", "carl", "pia", "sys"])
def test_roles_without_case_access_get_403(world, login, who):
    assert login(getattr(world, who)).get(reverse("cases:list")).status_code == 403
