"""Registering a child through the API: POST /api/v1/cases/."""

from datetime import date, timedelta

import pytest

from kinlink.cases.models import Case, Child, ChildName, Document, FamilyMember
from kinlink.core.models import AuditEvent

from ..conftest import register
from .conftest import assert_error, url


def payload(**child):
    body = {
        "child": {
            "given_name": "Мухаммед",
            "family_name": "Рахимов",
            "sex": "male",
            "protection_status": "unaccompanied",
            "date_of_birth": "2014-05-02",
            "nationalities": ["tj"],
            "languages": ["TG", "ru"],
            "other_names": [{"name": "Muhammad Rakhimov", "kind": "spelling"}],
            "place_of_origin": "Khujand",
            **child,
        },
        "case": {
            "risk_level": "high",
            "identification_source": "border",
            "registration_place": "Almaty railway station",
            "protection_concerns": "Alone, sleeping at the station",
        },
        "family_members": [
            {"relationship": "mother", "given_name": "Zarina", "country": "ru", "alive": "alive"}
        ],
        "documents": [{"kind": "birth_certificate", "number": "I-TJ 123456"}],
    }
    return body


def counts():
    return (
        Child.objects.system("test").count(),
        Case.objects.system("test").count(),
        FamilyMember.objects.system("test").count(),
        Document.objects.system("test").count(),
        ChildName.objects.system("test").count(),
        AuditEvent.objects.count(),
    )


def test_caseworker_registers_a_child(world, client_for):
    response = client_for(world.alice).post(url("case-list"), payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("KZ-ALM-")
    assert body["owner"]["username"] == "alice"
    assert body["risk_level"] == "high" and body["status"] == "open"
    assert body["child"]["nationalities"] == ["TJ"] and body["child"]["languages"] == ["tg", "ru"]
    assert body["child"]["other_names"][0]["name"] == "Muhammad Rakhimov"
    assert body["child"]["place_of_origin"] == "Khujand"
    assert body["family_members"][0]["country"] == "RU"
    assert body["documents"][0]["number"] == "I-TJ 123456"
    assert body["assessments"][0]["kind"] == "initial"
    assert body["possible_duplicates"] == 0
    case = Case.objects.system("test").get(pk=body["id"])
    assert case.protection_concerns == "Alone, sleeping at the station"
    assert AuditEvent.objects.filter(action="create", case_id=case.pk).exists()


def test_possible_duplicates_are_counted_not_blocked(world, client_for, kemal_case):
    register(world.olga)  # same name, another office: alice cannot see it
    response = client_for(world.alice).post(url("case-list"), payload(), format="json")
    assert response.status_code == 201
    assert response.json()["possible_duplicates"] == 1


def test_supervisor_registers_for_a_caseworker(world, client_for):
    body = payload()
    body["case"]["owner"] = str(world.bob.pk)
    response = client_for(world.sam).post(url("case-list"), body, format="json")
    assert response.status_code == 201
    assert response.json()["owner"]["username"] == "bob"


def test_caseworker_cannot_assign_to_someone_else(world, client_for):
    body = payload()
    body["case"]["owner"] = str(world.bob.pk)
    before = counts()
    err = assert_error(client_for(world.alice).post(url("case-list"), body, format="json"), 400)
    assert "owner" in err["fields"]["case"]
    assert counts() == before


@pytest.mark.parametrize("persona", ["max", "ada", "nina", "carl", "stan", "sys"])
def test_other_roles_cannot_register(world, client_for, persona):
    before = counts()
    response = client_for(getattr(world, persona)).post(url("case-list"), payload(), format="json")
    assert_error(response, 403, "permission_denied")
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"given_name": ""}, ("child", "given_name")),
        ({"sex": "boy"}, ("child", "sex")),
        ({"nationalities": ["TJK"]}, ("child", "nationalities")),
        ({"age_years": -1}, ("child", "age_years")),
        ({"date_of_birth": "02.05.2014"}, ("child", "date_of_birth")),
        ({"eye_colour": "brown"}, ("child", "eye_colour")),
        # rules the service checks: the errors land on the same fields
        ({"date_of_birth": str(date.today() + timedelta(days=3))}, ("child", "date_of_birth")),
        ({"date_of_birth": "1990-01-01"}, ("child", "date_of_birth")),
        ({"age_years": 3}, ("child", "age_years")),
    ],
)
def test_bad_child_input_is_400_and_changes_nothing(world, client_for, change, where):
    before = counts()
    response = client_for(world.alice).post(url("case-list"), payload(**change), format="json")
    err = assert_error(response, 400, "invalid")
    assert where[1] in err["fields"][where[0]], err
    assert counts() == before


def test_bad_nested_rows_are_400_with_their_index(world, client_for):
    body = payload()
    body["family_members"].append({"relationship": "cousin"})
    body["documents"] = [{"kind": "passport", "issuing_country": "Tajikistan"}]
    before = counts()
    err = assert_error(client_for(world.alice).post(url("case-list"), body, format="json"), 400)
    assert "relationship" in err["fields"]["family_members"]["1"]
    assert "issuing_country" in err["fields"]["documents"]["0"]
    assert counts() == before


def test_future_identification_is_400(world, client_for):
    body = payload()
    body["case"]["identified_at"] = "2999-01-01T00:00:00Z"
    before = counts()
    err = assert_error(client_for(world.alice).post(url("case-list"), body, format="json"), 400)
    assert "identified_at" in err["fields"]["case"]
    assert counts() == before


@pytest.mark.parametrize("body", [[], "child", {"child": None}, {}])
def test_malformed_body_is_400(world, client_for, body):
    before = counts()
    assert_error(client_for(world.alice).post(url("case-list"), body, format="json"), 400)
    assert counts() == before


def test_minimal_registration(world, client_for):
    body = {"child": {"given_name": "unknown", "sex": "unknown", "protection_status": "separated"}}
    response = client_for(world.bob).post(url("case-list"), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["risk_level"] == "not_assessed"
