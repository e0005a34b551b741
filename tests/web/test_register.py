"""Registering a child through the form: success, refusals, the duplicate warning."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from kinlink.cases.models import Case, Child
from kinlink.core.models import AuditEvent

from ..conftest import register


def form_data(**overrides):
    data = {
        "given_name": "Zarina",
        "family_name": "Usmonova",
        "middle_name": "",
        "other_names": "Зарина\nZara",
        "sex": "female",
        "date_of_birth": "2012-03-04",
        "age_years": "",
        "nationalities": "tj, UZ",
        "languages": "TG ru",
        "protection_status": "unaccompanied",
        "migratory_status": "migrant_irregular",
        "disability": "none",
        "birth_registration": "registered",
        "health_notes": "Asthma",
        "distinguishing_marks": "Scar on the left hand",
        "risk_level": "high",
        "identified_at": "",
        "identification_source": "border",
        "registration_place": "Almaty bus station",
        "separation_date": "",
        "separation_place": "",
        "protection_concerns": "Travelling alone",
        "urgent_needs": "Shelter",
        "family-TOTAL_FORMS": "2",
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "6",
        "family-0-relationship": "mother",
        "family-0-given_name": "Gulnora",
        "family-0-family_name": "Usmonova",
        "family-0-alive": "alive",
        "family-0-country": "ru",
        "family-0-phone": "+7 900 000 00 00",
        "family-1-relationship": "",
        "family-1-alive": "unknown",
        "documents-TOTAL_FORMS": "2",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "6",
        "documents-0-kind": "passport",
        "documents-0-number": "TJ1234567",
        "documents-0-issuing_country": "tj",
        "documents-0-held": "on",
        "documents-1-kind": "",
        "documents-1-held": "on",
    }
    data.update(overrides)
    return data


def test_form_renders_for_caseworkers_and_supervisors(world, login):
    for user in (world.alice, world.sam):
        response = login(user).get(reverse("cases:register"))
        assert response.status_code == 200
        assert 'name="given_name"' in response.content.decode()


@pytest.mark.parametrize("who", ["max", "ada", "stan", "carl", "sys"])
def test_roles_that_do_not_register_get_403(world, login, who):
    client = login(getattr(world, who))
    assert client.get(reverse("cases:register")).status_code == 403
    assert client.post(reverse("cases:register"), form_data()).status_code == 403
    assert not Child.objects.system("test").exists()


def test_registering_creates_the_case_and_redirects_to_it(world, login):
    response = login(world.alice).post(reverse("cases:register"), form_data())
    case = Case.objects.system("test").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    child = case.child
    assert case.owner == world.alice and case.risk_level == "high"
    assert child.nationalities == ["TJ", "UZ"] and child.languages == ["tg", "ru"]
    assert child.health_notes == "Asthma"
    assert {n.name for n in child.other_names.all()} == {"Зарина", "Zara"}
    family = list(child.family.all())
    assert len(family) == 1 and family[0].given_name == "Gulnora" and family[0].country == "RU"
    docs = list(child.documents.all())
    assert len(docs) == 1 and docs[0].number == "TJ1234567" and docs[0].issuing_country == "TJ"
    page = login(world.alice).get(response["Location"]).content.decode()
    assert "TJ1234567" in page and "Zarina" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"date_of_birth": (date.today() + timedelta(days=3)).isoformat()},
            "date_of_birth",
            "in the future",
        ),
        ({"date_of_birth": "2012-03-04", "age_years": "5"}, "age_years", "contradicts"),
        ({"given_name": ""}, "given_name", "required"),
        ({"nationalities": "Tajik"}, "nationalities", "Not a valid code"),
        ({"date_of_birth": "", "age_years": "25"}, "age_years", "not a child"),
    ],
)
def test_invalid_input_rerenders_with_the_error_and_creates_nothing(
    world, login, overrides, field, message
):
    before = AuditEvent.objects.count()
    response = login(world.alice).post(reverse("cases:register"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["child_form"].errors
    assert field in errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert message.lower() in response.content.decode().lower()
    assert not Child.objects.system("test").exists()
    assert not Case.objects.system("test").exists()
    assert not AuditEvent.objects.filter(seq__gt=before, action="create").exists()


def test_duplicate_warning_then_register_anyway(world, login):
    existing = register(world.alice, given="Zarina", family="Usmonova")
    client = login(world.alice)
    response = client.post(reverse("cases:register"), form_data(given_name="Зарина"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="duplicate-warning"' in html and "Register anyway" in html
    assert "Zarina Usmonova" in html
    assert Case.objects.system("test").count() == 1
    shown = AuditEvent.objects.filter(action="search", object_type="cases.child").last()
    assert shown.detail["child_ids"] == [str(existing.child.pk)]
    response = client.post(
        reverse("cases:register"), form_data(given_name="Зарина", register_anyway="1")
    )
    assert response.status_code == 302
    assert Case.objects.system("test").count() == 2


def test_duplicates_in_offices_the_user_cannot_see_are_counted_not_shown(world, login):
    register(world.olga, given="Zarina", family="Usmonova")  # Astana
    response = login(world.alice).post(reverse("cases:register"), form_data())
    html = response.content.decode()
    assert response.context["duplicates"]["hidden"] == 1
    assert "1 possible match is in another office you cannot see" in html
    assert "Gulnora" in html  # the form keeps what was typed
    assert Case.objects.system("test").count() == 1


def test_supervisor_registers_for_own_office(world, login):
    response = login(world.sam).post(reverse("cases:register"), form_data())
    assert response.status_code == 302
    case = Case.objects.system("test").get()
    assert case.owner == world.sam and case.office == world.almaty
