"""Reading cases: the list and the detail, scoped like the UI and audited."""

import uuid

import pytest

from kinlink.cases import choices as c
from kinlink.cases import services as cs

from ..conftest import register
from .conftest import assert_error, audit_events, url


@pytest.fixture
def cases(world, alice_case, kemal_case, umid_case):
    bob_case = register(world.bob, given="Aziz", family="Karimov", risk=c.RiskLevel.LOW)
    olga_case = register(world.olga, given="Dana", family="Serikova")
    return {
        "alice": alice_case,
        "bob": bob_case,
        "olga": olga_case,
        "kemal": kemal_case,
        "umid": umid_case,
    }


def _numbers(response):
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("alice", {"alice"}),
        ("bob", {"bob"}),
        ("sam", {"alice", "bob"}),
        ("oscar", {"olga"}),
        ("max", {"alice", "bob", "olga"}),
        ("ada", {"alice", "bob", "olga"}),
        ("nina", {"alice", "bob", "olga", "kemal"}),
        ("umid", {"umid"}),
        ("kemal", {"kemal"}),
    ],
)
def test_list_is_scoped_like_the_ui(world, cases, client_for, persona, sees):
    response = client_for(getattr(world, persona)).get(url("case-list"))
    assert _numbers(response) == {cases[k].number for k in sees}


@pytest.mark.parametrize("persona", ["carl", "pia", "stan", "rita", "cleo", "tara", "sys"])
def test_roles_without_case_access_get_403(world, cases, client_for, persona):
    client = client_for(getattr(world, persona))
    assert_error(client.get(url("case-list")), 403, "permission_denied")
    assert_error(client.get(url("case-detail", case_id=cases["alice"].pk)), 403)


def test_list_filters(world, cases, client_for):
    sam = client_for(world.sam)
    assert _numbers(sam.get(url("case-list"), {"risk_level": "low"})) == {cases["bob"].number}
    assert _numbers(sam.get(url("case-list"), {"q": "Muhammad"})) == {cases["alice"].number}
    assert _numbers(sam.get(url("case-list"), {"q": cases["bob"].number})) == {cases["bob"].number}
    assert _numbers(sam.get(url("case-list"), {"status": "closed"})) == set()
    assert _numbers(sam.get(url("case-list"), {"stage": "registered"})) == {
        cases["alice"].number,
        cases["bob"].number,
    }
    assert _numbers(sam.get(url("case-list"), {"office": str(world.astana.pk)})) == set()
    assert _numbers(sam.get(url("case-list"), {"protection_status": "unaccompanied"})) == {
        cases["alice"].number,
        cases["bob"].number,
    }
    assert _numbers(sam.get(url("case-list"), {"overdue": "true"})) == set()


def test_list_refuses_bad_filters(world, cases, client_for):
    client = client_for(world.sam)
    err = assert_error(
        client.get(url("case-list"), {"risk_level": "extreme", "office": "x", "colour": "red"}),
        400,
        "invalid",
    )
    assert set(err["fields"]) == {"colour"}  # unknown parameters first
    err = assert_error(client.get(url("case-list"), {"risk_level": "extreme", "office": "x"}), 400)
    assert set(err["fields"]) == {"risk_level", "office"}


def test_list_is_paginated_and_audited(world, cases, client_for):
    before = audit_events("search").count()
    body = client_for(world.sam).get(url("case-list")).json()
    assert body["count"] == 2 and body["next"] is None and len(body["results"]) == 2
    row = body["results"][0]
    assert set(row) >= {"id", "number", "child", "office", "owner", "risk_level", "next_due_at"}
    assert row["child"]["full_name"]
    events = audit_events("search")
    assert events.count() == before + 1
    assert set(events.last().detail["case_ids"]) == {str(cases["alice"].pk), str(cases["bob"].pk)}
    assert events.last().channel == "api"
    assert_error(client_for(world.sam).get(url("case-list"), {"page": 9}), 404)


def test_empty_list_leaves_no_search_entry(world, client_for):
    before = audit_events("search").count()
    assert client_for(world.alice).get(url("case-list")).json()["count"] == 0
    assert audit_events("search").count() == before


def test_detail_has_every_part_and_is_audited(world, alice_case, client_for):
    cs.note_add(actor=world.alice, case_id=alice_case.pk, body="Met at the station")
    cs.other_name_add(actor=world.alice, case_id=alice_case.pk, name="Muha", kind="nickname")
    before = audit_events("view", case_id=alice_case.pk).count()
    response = client_for(world.alice).get(url("case-detail", case_id=alice_case.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == alice_case.number
    assert body["child"]["given_name"] == "Мухаммед"
    assert body["child"]["other_names"] == [
        {"id": body["child"]["other_names"][0]["id"], "name": "Muha", "kind": "nickname"}
    ]
    assert body["child"]["age"] is not None and body["child"]["age_estimated"] is False
    assert body["notes"][0]["body"] == "Met at the station"
    assert body["assessments"][0]["kind"] == "initial"
    assert body["due_items"][0]["key"].startswith("assessment:")
    for part in (
        "family_members",
        "documents",
        "consents",
        "plans",
        "followups",
        "attachments",
        "approvals",
    ):
        assert body[part] == []
    assert audit_events("view", case_id=alice_case.pk).count() == before + 1


@pytest.mark.parametrize("persona", ["bob", "oscar", "olga", "umid", "kemal"])
def test_detail_out_of_scope_is_404(world, alice_case, client_for, persona):
    response = client_for(getattr(world, persona)).get(url("case-detail", case_id=alice_case.pk))
    assert_error(response, 404, "not_found")
    assert audit_events("denied", object_id=str(alice_case.pk)).exists()


@pytest.mark.parametrize("case_id", [uuid.uuid4(), "not-a-uuid", "1", "0" * 40])
def test_forged_or_malformed_case_id_is_404(world, alice_case, client_for, case_id):
    response = client_for(world.alice).get(url("case-detail", case_id=case_id))
    assert_error(response, 404, "not_found")


def test_managers_read_their_agency(world, alice_case, kemal_case, client_for):
    assert client_for(world.max).get(url("case-detail", case_id=alice_case.pk)).status_code == 200
    assert_error(client_for(world.max).get(url("case-detail", case_id=kemal_case.pk)), 404)
    assert client_for(world.nina).get(url("case-detail", case_id=kemal_case.pk)).status_code == 200
