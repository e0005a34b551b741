"""The case workflow end to end through the API, and the supervisor-only endpoints."""

import uuid
from datetime import date

import pytest

from kinlink.cases.models import Approval, Assessment, Case
from kinlink.core.models import AuditEvent

from .conftest import assert_error, audit_events, url


def _pending(client):
    response = client.get(url("approval-list"))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _assess(alice, sam, case, kind, risk):
    a = Assessment.objects.system("test").get(case=case, kind=kind)
    name = "case-assessment"
    response = alice.patch(
        url(name, case_id=case.pk, assessment_id=a.pk),
        {"findings": {"safety": "Sleeping at the station"}, "proposed_risk_level": risk},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = alice.patch(
        url(name, case_id=case.pk, assessment_id=a.pk),
        {"findings": {"family": "Mother in Russia"}, "child_views": "Wants his mother"},
        format="json",
    )
    body = response.json()
    assert body["findings"] == {"safety": "Sleeping at the station", "family": "Mother in Russia"}
    assert body["proposed_risk_level"] == risk and body["child_views"] == "Wants his mother"
    response = alice.post(url("case-assessment-submit", case_id=case.pk, assessment_id=a.pk))
    assert response.status_code == 200 and response.json()["state"] == "pending"
    (ap,) = _pending(sam)
    assert ap["subject"] == "assessment" and ap["case_number"] == case.number
    response = sam.post(
        url("approval-decide", approval_id=ap["id"]), {"approve": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"


def test_full_workflow_through_the_api(world, alice_case, client_for):
    alice, sam = client_for(world.alice), client_for(world.sam)
    case = alice_case
    _assess(alice, sam, case, "initial", "high")
    _assess(alice, sam, case, "comprehensive", "medium")
    detail = alice.get(url("case-detail", case_id=case.pk)).json()
    assert detail["stage"] == "case_plan" and detail["risk_level"] == "medium"

    plan_body = {
        "goals": [
            {
                "description": "Safe family-based care",
                "domain": "family",
                "actions": [
                    {"description": "Find kinship carer", "responsible": "Alice", "due_on": None}
                ],
            }
        ]
    }
    response = alice.post(url("case-plans", case_id=case.pk), plan_body, format="json")
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["goals"][0]["actions"][0]["description"] == "Find kinship carer"
    response = alice.post(url("case-plan-submit", case_id=case.pk, plan_id=plan["id"]))
    assert response.status_code == 200 and response.json()["state"] == "pending"
    (ap,) = _pending(sam)
    sam.post(url("approval-decide", approval_id=ap["id"]), {"approve": True}, format="json")

    action_id = plan["goals"][0]["actions"][0]["id"]
    status_url = url("case-action-status", case_id=case.pk, action_id=action_id)
    response = alice.post(status_url, {"status": "finished"}, format="json")
    assert_error(response, 400)
    response = alice.post(status_url, {"status": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = alice.post(
        url("case-action-status", case_id=case.pk, action_id=uuid.uuid4()),
        {"status": "done"},
        format="json",
    )
    assert_error(response, 404)

    response = alice.post(
        url("case-followups", case_id=case.pk),
        {"done_on": str(date.today()), "child_seen": True, "notes": "Doing well"},
        format="json",
    )
    assert response.status_code == 201
    response = alice.post(
        url("case-closure", case_id=case.pk), {"reason": "goals_met"}, format="json"
    )
    assert response.json()["stage"] == "closure_pending"
    (ap,) = _pending(sam)
    sam.post(url("approval-decide", approval_id=ap["id"]), {"approve": True}, format="json")
    assert Case.objects.system("test").get(pk=case.pk).status == "closed"

    # Reopening is for supervisors; a caseworker's role may not.
    assert_error(
        alice.post(url("case-reopen", case_id=case.pk), {"reason": "x"}, format="json"), 403
    )
    assert_error(sam.post(url("case-reopen", case_id=case.pk), {"reason": " "}, format="json"), 400)
    response = sam.post(
        url("case-reopen", case_id=case.pk), {"reason": "Left the carer"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "open" and response.json()["stage"] == "follow_up"


def test_approvals_are_for_approvers(world, alice_case, client_for):
    for persona in ("alice", "max", "ada", "stan"):
        assert_error(client_for(getattr(world, persona)).get(url("approval-list")), 403)
    assert _pending(client_for(world.sam)) == []
    assert _pending(client_for(world.oscar)) == []


def _submitted_closure(world, client_for, case):
    client_for(world.alice).post(
        url("case-closure", case_id=case.pk), {"reason": "declined_services"}, format="json"
    )
    return Approval.objects.system("test").get(case=case, state="pending")


def test_pending_list_is_audited(world, alice_case, client_for):
    _submitted_closure(world, client_for, alice_case)
    before = audit_events("search").count()
    assert len(_pending(client_for(world.sam))) == 1
    assert audit_events("search").count() == before + 1
    assert audit_events("search").last().detail["case_ids"] == [str(alice_case.pk)]


def test_decide_refusals(world, alice_case, client_for):
    ap = _submitted_closure(world, client_for, alice_case)
    decide = url("approval-decide", approval_id=ap.pk)
    before = AuditEvent.objects.count()
    assert_error(client_for(world.alice).post(decide, {"approve": True}, format="json"), 403)
    assert_error(client_for(world.oscar).post(decide, {"approve": True}, format="json"), 404)
    for bad_id in (uuid.uuid4(), "nope"):
        assert_error(
            client_for(world.sam).post(
                url("approval-decide", approval_id=bad_id), {"approve": True}, format="json"
            ),
            404,
        )
    err = assert_error(
        client_for(world.sam).post(decide, {"approve": False, "comment": ""}, format="json"), 400
    )
    assert "comment" in err["fields"]
    err = assert_error(
        client_for(world.sam).post(decide, {"approve": "perhaps"}, format="json"), 400
    )
    assert "approve" in err["fields"]
    ap.refresh_from_db()
    assert ap.state == "pending"
    assert AuditEvent.objects.count() == before
    response = client_for(world.sam).post(
        decide, {"approve": False, "comment": "Try once more"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "rejected"


def test_assessment_refusals(world, alice_case, client_for):
    a = Assessment.objects.system("test").get(case=alice_case)
    patch_url = url("case-assessment", case_id=alice_case.pk, assessment_id=a.pk)
    submit_url = url("case-assessment-submit", case_id=alice_case.pk, assessment_id=a.pk)
    alice = client_for(world.alice)
    err = assert_error(alice.post(submit_url), 400)  # no findings yet
    assert {"findings", "proposed_risk_level"} <= set(err["fields"])
    err = assert_error(alice.patch(patch_url, {"findings": {"astrology": "x"}}, format="json"), 400)
    assert "astrology" in err["fields"]["findings"]
    assert_error(alice.patch(patch_url, {"proposed_risk_level": "extreme"}, format="json"), 400)
    assert_error(client_for(world.bob).patch(patch_url, {"child_views": "x"}, format="json"), 404)
    assert_error(client_for(world.bob).post(submit_url), 404)
    assert_error(client_for(world.max).patch(patch_url, {"child_views": "x"}, format="json"), 403)
    a.refresh_from_db()
    assert a.findings is None and a.state == "draft"


def test_plan_needs_comprehensive_assessment_and_goals(world, alice_case, client_for):
    alice = client_for(world.alice)
    plans = url("case-plans", case_id=alice_case.pk)
    err = assert_error(alice.post(plans, {"goals": []}, format="json"), 400)
    assert "goals" in err["fields"]
    body = {"goals": [{"description": "Safe care", "actions": [{"description": "x"}]}]}
    err = assert_error(alice.post(plans, body, format="json"), 400)
    assert "responsible" in err["fields"]["goals"]["0"]["actions"]["0"]
    body = {"goals": [{"description": "Safe care"}]}
    err = assert_error(alice.post(plans, body, format="json"), 400)
    assert "comprehensive" in err["fields"]["non_field_errors"][0]
    assert_error(
        alice.post(url("case-plan-submit", case_id=alice_case.pk, plan_id=uuid.uuid4())), 404
    )


@pytest.mark.parametrize(
    ("actor", "owner", "status"),
    [
        ("sam", "bob", 200),
        ("ada", "olga", 200),
        ("sam", "olga", 400),  # another office
        ("ada", "umid", 400),  # another agency
        ("oscar", "olga", 404),  # not his office's case
        ("alice", "bob", 403),
        ("max", "bob", 403),
    ],
)
def test_reassign(world, alice_case, client_for, actor, owner, status):
    body = {"owner": str(getattr(world, owner).pk), "reason": "Alice on leave"}
    response = client_for(getattr(world, actor)).post(
        url("case-reassign", case_id=alice_case.pk), body, format="json"
    )
    assert response.status_code == status, response.content
    case = Case.objects.system("test").get(pk=alice_case.pk)
    if status == 200:
        assert response.json()["owner"]["username"] == owner
        assert case.owner == getattr(world, owner)
    else:
        assert_error(response, status)
        assert case.owner == world.alice


def test_reassign_to_unknown_user_is_400(world, alice_case, client_for):
    response = client_for(world.sam).post(
        url("case-reassign", case_id=alice_case.pk),
        {"owner": str(uuid.uuid4()), "reason": "x"},
        format="json",
    )
    assert "owner" in assert_error(response, 400)["fields"]
