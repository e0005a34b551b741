"""Who may call the API at all: tokens, sessions with a second factor, nobody else."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kinlink.accounts.mfa import activate_totp

from .conftest import assert_error, url

ENDPOINTS = [
    ("get", "case-list", {}),
    ("post", "case-list", {}),
    ("get", "case-detail", {"case_id": "00000000-0000-0000-0000-000000000000"}),
    ("post", "case-notes", {"case_id": "00000000-0000-0000-0000-000000000000"}),
    ("get", "approval-list", {}),
    ("get", "me", {}),
]


@pytest.mark.parametrize(("method", "name", "kwargs"), ENDPOINTS)
def test_unauthenticated_is_401_with_token_challenge(db, method, name, kwargs):
    response = getattr(APIClient(), method)(url(name, **kwargs), {}, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get(url("me"))
    assert_error(response, 401, "authentication_failed")


def test_real_token_authenticates(world):
    token = Token.objects.create(user=world.alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(url("me"))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_inactive_users_token_is_refused(world):
    token = Token.objects.create(user=world.alice)
    world.alice.is_active = False
    world.alice.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_error(client.get(url("me")), 401)


def test_session_needs_a_second_factor(world):
    client = APIClient()
    client.force_login(world.alice)
    assert_error(client.get(url("case-list")), 401, "authentication_failed")
    activate_totp(world.alice)
    response = client.get(url("case-list"))
    assert response.status_code == 200


def test_session_writes_need_csrf(world, alice_case):
    activate_totp(world.alice)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = client.post(url("case-notes", case_id=alice_case.pk), {"body": "x"}, format="json")
    assert_error(response, 403)


@pytest.mark.parametrize(
    ("persona", "role", "capabilities", "view_scope"),
    [
        ("alice", "caseworker", ["register_child", "request_approval", "work_case"], "own"),
        ("sam", "supervisor", None, "office"),
        (
            "nina",
            "manager",
            ["approve_releases", "see_alerts", "see_city_surveys", "see_reports", "see_team"],
            "national",
        ),
        ("stan", "statistician", ["build_releases", "see_city_surveys", "see_statistics"], "none"),
        ("sys", "system_admin", None, "none"),
    ],
)
def test_me(world, client_for, persona, role, capabilities, view_scope):
    user = getattr(world, persona)
    body = client_for(user).get(url("me")).json()
    assert body["username"] == persona and body["role"] == role
    assert body["case_view_scope"] == view_scope
    if capabilities is not None:
        assert body["capabilities"] == capabilities
    if user.agency_id:
        assert body["agency"]["code"] == user.agency.code
    else:
        assert body["agency"] is None
    assert (body["office"] or {}).get("id") == (str(user.office_id) if user.office_id else None)


def test_schema_lists_every_v1_endpoint(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    expected = {
        "/api/v1/cases/": {"get", "post"},
        "/api/v1/cases/{case_id}/": {"get"},
        "/api/v1/cases/{case_id}/child/": {"patch"},
        "/api/v1/cases/{case_id}/risk/": {"post"},
        "/api/v1/cases/{case_id}/consents/": {"post"},
        "/api/v1/cases/{case_id}/consents/{consent_id}/withdraw/": {"post"},
        "/api/v1/cases/{case_id}/family-members/": {"post"},
        "/api/v1/cases/{case_id}/documents/": {"post"},
        "/api/v1/cases/{case_id}/other-names/": {"post"},
        "/api/v1/cases/{case_id}/notes/": {"post"},
        "/api/v1/cases/{case_id}/followups/": {"post"},
        "/api/v1/cases/{case_id}/plans/": {"post"},
        "/api/v1/cases/{case_id}/plans/{plan_id}/submit/": {"post"},
        "/api/v1/cases/{case_id}/actions/{action_id}/status/": {"post"},
        "/api/v1/cases/{case_id}/assessments/{assessment_id}/": {"patch"},
        "/api/v1/cases/{case_id}/assessments/{assessment_id}/submit/": {"post"},
        "/api/v1/cases/{case_id}/closure/": {"post"},
        "/api/v1/cases/{case_id}/reopen/": {"post"},
        "/api/v1/cases/{case_id}/reassign/": {"post"},
        "/api/v1/cases/{case_id}/attachments/": {"post"},
        "/api/v1/cases/{case_id}/attachments/{attachment_id}/": {"get"},
        "/api/v1/approvals/": {"get"},
        "/api/v1/approvals/{approval_id}/decide/": {"post"},
        "/api/v1/me/": {"get"},
        "/api/v1/stats/indicators/": {"get"},
        "/api/v1/stats/releases/": {"get"},
        "/api/v1/stats/releases/{release_id}/": {"get"},
    }
    assert {p: set(ops) - {"parameters"} for p, ops in paths.items()} == expected
    for path, ops in paths.items():
        for method, op in ops.items():
            responses = op["responses"]
            success = [code for code in responses if code.startswith("2")]
            assert success, (path, method)
            for code in ("401", "403"):
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorEnvelope"), (path, method, code)
            if method in {"post", "patch"} and "requestBody" not in op:
                assert path.endswith(("/submit/", "/withdraw/")), (path, method)
    enums = schema["components"]["schemas"]
    assert "unaccompanied" in enums["ProtectionStatusEnum"]["enum"]
    assert enums["CaseCreateRequest"]["additionalProperties"] is False


def test_unknown_api_paths_answer_the_envelope(world, client_for):
    response = client_for(world.alice).get("/api/v1/nothing-here/")
    assert_error(response, 404, "not_found")


def test_wrong_method_is_405_in_the_envelope(world, client_for):
    assert_error(client_for(world.alice).delete(url("me")), 405, "method_not_allowed")
