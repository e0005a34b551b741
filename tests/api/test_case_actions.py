"""Workflow actions on one case: who may, who gets 403 or 404, and bad input changes nothing."""

import uuid
from datetime import date

import pytest

from kinlink.cases import services as cs
from kinlink.cases.models import (
    Approval,
    Assessment,
    Attachment,
    Case,
    CasePlan,
    ChildName,
    Consent,
    Document,
    FamilyMember,
    FollowUp,
    Note,
)
from kinlink.core.models import AuditEvent

from .conftest import assert_error, url

TODAY = str(date.today())

# name -> (method, url name, good body, status, bad body, field the bad body is refused on)
ACTIONS = {
    "child": ("patch", "case-child", {"family_name": "Rahimov"}, 200, {"sex": "boy"}, "sex"),
    "risk": (
        "post",
        "case-risk",
        {"risk_level": "low", "reason": "Placed with his aunt"},
        200,
        {"risk_level": "low", "reason": " "},
        "reason",
    ),
    "consents": (
        "post",
        "case-consents",
        {"given_by": "caregiver", "kind": "consent", "given_on": TODAY, "for_services": True},
        201,
        {"given_by": "caregiver", "kind": "assent", "given_on": TODAY},
        "kind",
    ),
    "family-members": (
        "post",
        "case-family-members",
        {"relationship": "father", "given_name": "Karim", "phone": "+992 900 000 000"},
        201,
        {"relationship": "father"},
        "given_name",
    ),
    "documents": (
        "post",
        "case-documents",
        {"kind": "passport", "number": "P123", "issuing_country": "tj"},
        201,
        {"kind": "visa"},
        "kind",
    ),
    "other-names": (
        "post",
        "case-other-names",
        {"name": "Muha", "kind": "nickname"},
        201,
        {"name": "Muha", "kind": "surname"},
        "kind",
    ),
    "notes": ("post", "case-notes", {"body": "Called the school"}, 201, {"body": ""}, "body"),
    "followups": (
        "post",
        "case-followups",
        {"done_on": TODAY, "child_seen": True, "notes": "Doing well"},
        201,
        {"done_on": TODAY, "child_seen": False, "notes": ""},
        "reason_not_seen",
    ),
    "closure": (
        "post",
        "case-closure",
        {"reason": "declined_services"},
        200,
        {"reason": "other", "note": ""},
        "note",
    ),
}


def snapshot(case):
    """Everything a write could change: row counts, the audit trail, the case and child."""
    fresh = Case.objects.system("test").select_related("child").get(pk=case.pk)
    models = (Consent, FamilyMember, Document, ChildName, Note, FollowUp, Approval, Attachment)
    return (
        tuple(m.objects.system("test").count() for m in models),
        CasePlan.objects.system("test").count(),
        # A refused probe may be logged as "denied"; nothing else may be added.
        AuditEvent.objects.exclude(action="denied").count(),
        fresh.updated_at,
        fresh.child.updated_at,
        fresh.owner_id,
        fresh.status,
        fresh.stage,
    )


def call(client, method, name, case_id, body):
    return getattr(client, method)(url(name, case_id=case_id), body, format="json")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["alice", "sam"])
def test_owner_and_supervisor_may(world, alice_case, client_for, action, persona):
    method, name, good, status, _bad, _field = ACTIONS[action]
    response = call(client_for(getattr(world, persona)), method, name, alice_case.pk, good)
    assert response.status_code == status, response.content
    assert "id" in response.json()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["bob", "oscar", "olga", "umid", "kemal"])
def test_out_of_scope_is_404_and_changes_nothing(world, alice_case, client_for, action, persona):
    method, name, good, _status, _bad, _field = ACTIONS[action]
    before = snapshot(alice_case)
    response = call(client_for(getattr(world, persona)), method, name, alice_case.pk, good)
    assert_error(response, 404, "not_found")
    assert snapshot(alice_case) == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["max", "nina", "ada", "carl", "stan", "sys"])
def test_roles_that_do_not_work_cases_get_403(world, alice_case, client_for, action, persona):
    method, name, good, _status, _bad, _field = ACTIONS[action]
    before = snapshot(alice_case)
    response = call(client_for(getattr(world, persona)), method, name, alice_case.pk, good)
    assert_error(response, 403, "permission_denied")
    assert snapshot(alice_case) == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("case_id", [uuid.uuid4(), "nope"])
def test_forged_case_ids_are_404(world, alice_case, client_for, action, case_id):
    method, name, good, _status, _bad, _field = ACTIONS[action]
    before = snapshot(alice_case)
    assert_error(call(client_for(world.alice), method, name, case_id, good), 404)
    assert snapshot(alice_case) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_bad_input_is_400_with_fields_and_changes_nothing(world, alice_case, client_for, action):
    method, name, _good, _status, bad, field = ACTIONS[action]
    before = snapshot(alice_case)
    err = assert_error(call(client_for(world.alice), method, name, alice_case.pk, bad), 400)
    assert field in err["fields"], err
    assert snapshot(alice_case) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_unknown_fields_are_400(world, alice_case, client_for, action):
    method, name, good, _status, _bad, _field = ACTIONS[action]
    before = snapshot(alice_case)
    err = assert_error(
        call(client_for(world.alice), method, name, alice_case.pk, {**good, "owner_id": "x"}), 400
    )
    assert "owner_id" in err["fields"]
    assert snapshot(alice_case) == before


def test_child_update_changes_only_what_was_sent(world, alice_case, client_for):
    response = call(
        client_for(world.alice),
        "patch",
        "case-child",
        alice_case.pk,
        {
            "age_years": cs.age_from_dob(date(2014, 5, 2), date.today()),
            "nationalities": ["tj", "uz"],
        },
    )
    assert response.status_code == 200, response.content
    child = Case.objects.system("test").get(pk=alice_case.pk).child
    assert child.nationalities == ["TJ", "UZ"] and child.given_name == "Мухаммед"
    before = snapshot(alice_case)
    response = call(client_for(world.alice), "patch", "case-child", alice_case.pk, {"age_years": 2})
    assert "age_years" in assert_error(response, 400)["fields"]
    assert snapshot(alice_case) == before


def test_risk_change_answers_the_case(world, alice_case, client_for):
    body = call(
        client_for(world.alice),
        "post",
        "case-risk",
        alice_case.pk,
        {"risk_level": "medium", "reason": "x"},
    ).json()
    assert body["risk_level"] == "medium" and body["number"] == alice_case.number


def test_consent_withdraw(world, alice_case, client_for):
    consent = cs.consent_record(
        actor=world.alice,
        case_id=alice_case.pk,
        data=cs.ConsentInput(given_by="caregiver", kind="consent", given_on=date.today()),
    )
    name = "case-consent-withdraw"
    bob, alice = client_for(world.bob), client_for(world.alice)
    assert_error(bob.post(url(name, case_id=alice_case.pk, consent_id=consent.pk)), 404)
    assert_error(
        client_for(world.max).post(url(name, case_id=alice_case.pk, consent_id=consent.pk)), 403
    )
    assert_error(alice.post(url(name, case_id=alice_case.pk, consent_id=uuid.uuid4())), 404)
    assert_error(alice.post(url(name, case_id=alice_case.pk, consent_id="x")), 404)
    response = alice.post(url(name, case_id=alice_case.pk, consent_id=consent.pk))
    assert response.status_code == 200 and response.json()["withdrawn_at"]
    err = assert_error(alice.post(url(name, case_id=alice_case.pk, consent_id=consent.pk)), 400)
    assert "non_field_errors" in err["fields"]


def test_consent_override_goes_for_approval(world, alice_case, client_for):
    body = {
        "given_by": "caseworker",
        "kind": "consent",
        "given_on": TODAY,
        "override_basis": "vital_interest",
        "override_reason": "Needs a doctor tonight",
    }
    response = call(client_for(world.alice), "post", "case-consents", alice_case.pk, body)
    assert response.status_code == 201
    assert response.json()["override_state"] == "pending"
    pending = client_for(world.sam).get(url("approval-list")).json()["results"]
    assert [p["subject"] for p in pending] == ["consent_override"]


def test_closed_case_refuses_workflow_actions(world, alice_case, client_for):
    cs.case_request_closure(actor=world.alice, case_id=alice_case.pk, reason="death", note="")
    approval = Approval.objects.system("test").get(case=alice_case, state="pending")
    cs.approval_decide(actor=world.sam, approval_id=approval.pk, approve=True)
    before = snapshot(alice_case)
    err = assert_error(
        call(
            client_for(world.alice),
            "post",
            "case-risk",
            alice_case.pk,
            {"risk_level": "low", "reason": "x"},
        ),
        400,
    )
    assert err["fields"] == {"non_field_errors": ["The case is not open."]}
    assert snapshot(alice_case) == before


def test_assessment_ids_of_another_case_are_404(world, alice_case, kemal_case, client_for):
    other = Assessment.objects.system("test").get(case=kemal_case)
    name = "case-assessment"
    response = client_for(world.alice).patch(
        url(name, case_id=alice_case.pk, assessment_id=other.pk),
        {"child_views": "x"},
        format="json",
    )
    assert_error(response, 404)


def test_consent_dated_before_the_childs_birth_is_400(world, alice_case, client_for):
    before = snapshot(alice_case)
    body = {"given_by": "caregiver", "kind": "consent", "given_on": "2010-01-01"}
    err = assert_error(
        call(client_for(world.alice), "post", "case-consents", alice_case.pk, body), 400
    )
    assert "given_on" in err["fields"]
    assert snapshot(alice_case) == before


@pytest.mark.parametrize(
    "body",
    [
        {"body": 12},
        {"body": ["a"]},
        {"body": None},
    ],
)
def test_json_values_must_have_their_json_type(world, alice_case, client_for, body):
    before = snapshot(alice_case)
    err = assert_error(
        call(client_for(world.alice), "post", "case-notes", alice_case.pk, body), 400
    )
    assert "body" in err["fields"]
    assert snapshot(alice_case) == before


def test_json_types_in_nested_and_typed_fields(world, alice_case, client_for):
    alice = client_for(world.alice)
    err = assert_error(
        call(alice, "patch", "case-child", alice_case.pk, {"age_years": "12", "age_estimated": 1}),
        400,
    )
    assert set(err["fields"]) == {"age_years", "age_estimated"}
    err = assert_error(
        call(alice, "patch", "case-child", alice_case.pk, {"nationalities": [12]}), 400
    )
    assert "nationalities" in err["fields"]


def test_max_length_holds_for_the_text_as_sent(world, alice_case, client_for):
    """The OpenAPI document's maxLength counts surrounding whitespace too (found by the
    contract test: a note of 9 characters and 20,000 NEL characters was accepted)."""
    before = snapshot(alice_case)
    body = {"body": "Called" + "\u0085" * 20_000}
    err = assert_error(
        call(client_for(world.alice), "post", "case-notes", alice_case.pk, body), 400
    )
    assert "body" in err["fields"]
    assert snapshot(alice_case) == before
    ok = call(client_for(world.alice), "post", "case-notes", alice_case.pk, {"body": " Called "})
    assert ok.status_code == 201 and ok.json()["body"] == "Called"
