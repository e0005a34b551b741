"""The home page by role."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kinlink.cases.models import Case
from kinlink.core.models import AuditEvent

from ..conftest import register


def test_caseworker_sees_own_open_cases_overdue_first_with_text(world, login):
    mine = register(world.alice, given="Мухаммед")
    late = register(world.alice, given="Farida", family="Karimova")
    register(world.bob, given="Bobur", family="Aliev")
    Case.objects.system("test").filter(pk=late.pk).update(
        next_due_at=timezone.now() - timedelta(hours=5), next_due_kind="initial_assessment"
    )
    html = login(world.alice).get(reverse("web:home")).content.decode()
    assert "Мухаммед" in html and "Farida" in html
    assert "Bobur" not in html
    assert html.index("Farida") < html.index("Мухаммед")
    assert "Overdue" in html and "Initial assessment was due" in html
    event = AuditEvent.objects.filter(action="search", actor=world.alice).last()
    assert set(event.detail["case_ids"]) == {str(mine.pk), str(late.pk)}


def test_supervisor_sees_caseload_team_cases_and_pending_approvals(world, login):
    from kinlink.cases import services as cs
    from kinlink.cases.models import Assessment

    case = register(world.alice)
    register(world.olga, given="Olzhas")  # Astana: not Sam's office
    a = Assessment.objects.system("test").get(case=case, kind="initial")
    cs.assessment_save(
        actor=world.alice,
        case_id=case.pk,
        assessment_id=a.pk,
        findings={"safety": "ok"},
        child_views="",
        proposed_risk_level="low",
    )
    cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=a.pk)
    response = login(world.sam).get(reverse("web:home"))
    html = response.content.decode()
    assert response.context["caseload"][0]["owner__username"] == "alice"
    assert "Waiting for your approval" in html and case.number in html
    assert "Olzhas" not in html


@pytest.mark.parametrize("who", ["max", "ada", "nina"])
def test_managers_and_agency_admins_see_their_scope(world, login, who):
    register(world.alice, given="Aidana")
    register(world.umid, given="Oysha")
    html = login(getattr(world, who)).get(reverse("web:home")).content.decode()
    assert "Aidana" in html and "Oysha" not in html


@pytest.mark.parametrize("who", ["carl", "pia", "stan", "rita", "cleo", "tara", "sys"])
def test_roles_without_case_access_see_what_they_can_do(world, login, who):
    register(world.alice, given="Aidana")
    response = login(getattr(world, who)).get(reverse("web:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aidana" not in html
    assert "does not give access to individual children" in html
    assert reverse("cases:list") not in html


def test_home_needs_login(client, db):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
