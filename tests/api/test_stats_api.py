"""/api/v1/stats/: indicator definitions and approved releases only, audited, per role."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kinlink.stats import services as ss
from kinlink.stats.models import Release

from .conftest import assert_error, audit_events


def url(name: str, **kwargs) -> str:
    return reverse(f"statsapi:{name}", kwargs={k: str(v) for k, v in kwargs.items()})


def build(world, title="Registrations", approve=True, submit=True) -> Release:
    release = ss.release_build(
        actor=world.stan,
        data=ss.ReleaseInput(
            title=title,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            indicators=["children_registered", "immigration_detention"],
            breakdowns=["nationality"],
        ),
    )
    if submit:
        ss.release_submit(actor=world.stan, release_id=release.pk)
    if approve:
        ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    return Release.objects.get(pk=release.pk)


@pytest.fixture
def releases(world):
    ss.facts_refresh()
    return {
        "approved": build(world),
        "draft": build(world, "Draft", approve=False, submit=False),
        "pending": build(world, "Pending", approve=False),
    }


@pytest.mark.parametrize(
    "persona,code",
    [("stan", 200), ("rita", 200), ("max", 200), ("alice", 403), ("sam", 403), ("sys", 403)],
)
def test_indicators_by_role(world, client_for, persona, code):
    resp = client_for(getattr(world, persona)).get(url("indicator-list"))
    if code != 200:
        assert_error(resp, code, "permission_denied")
        return
    assert resp.status_code == 200
    by_code = {i["code"]: i for i in resp.json()}
    assert by_code["children_registered"]["definition"]
    assert by_code["immigration_detention"]["sensitive"] is True
    assert by_code["referrals_made"]["source"] == "referrals"
    assert by_code["hours_to_first_assessment"]["kind"] == "median"


def test_anonymous_is_refused(client_for):
    resp = client_for(None).get(url("indicator-list"))
    assert resp.status_code in (401, 403)
    assert set(resp.json()) == {"error"}


def test_only_approved_releases_are_listed(world, releases, client_for):
    for persona in ("stan", "rita", "max"):
        resp = client_for(getattr(world, persona)).get(url("release-list"))
        assert resp.status_code == 200
        ids = [r["id"] for r in resp.json()["results"]]
        assert ids == [str(releases["approved"].pk)], persona
    # another country sees nothing of Kazakhstan's
    other = world.stan
    other.agency = world.uz
    other.save()
    assert client_for(other).get(url("release-list")).json()["results"] == []


def test_an_approved_release_serves_protected_tables_and_is_audited(world, releases, client_for):
    release = releases["approved"]
    before = audit_events("export", actor=world.rita).count()
    resp = client_for(world.rita).get(url("release-detail", release_id=release.pk))
    assert resp.status_code == 200
    body = resp.json()
    assert body["approved_by"] == world.max.get_username()
    assert body["parameters"]["min_cell"] == release.parameters["min_cell"]
    assert body["tables"] == release.tables  # stored protected values, nothing recomputed
    for table in body["tables"]:
        for row, flags in zip(table["values"], table["flags"], strict=True):
            for value, flag in zip(row, flags, strict=True):
                assert (value is None) == bool(flag)
    event = audit_events("export", actor=world.rita).latest("pk")
    assert audit_events("export", actor=world.rita).count() == before + 1
    assert event.detail["format"] == "api"


@pytest.mark.parametrize("which", ["draft", "pending"])
def test_a_release_not_approved_is_not_found_even_for_its_author(
    world, releases, client_for, which
):
    before = audit_events("export").count()
    resp = client_for(world.stan).get(url("release-detail", release_id=releases[which].pk))
    assert_error(resp, 404, "not_found")
    assert audit_events("export").count() == before


def test_bad_ids_and_other_countries_are_not_found(world, releases, client_for):
    assert_error(client_for(world.rita).get(url("release-detail", release_id="nope")), 404)
    assert_error(
        client_for(world.rita).get(
            url("release-detail", release_id="00000000-0000-0000-0000-000000000000")
        ),
        404,
    )
    world.rita.agency = world.uz
    world.rita.save()
    resp = client_for(world.rita).get(url("release-detail", release_id=releases["approved"].pk))
    assert_error(resp, 404)
    assert_error(client_for(world.rita).get("/api/v1/stats/nothing/"), 404, "not_found")


def test_roles_without_statistics_cannot_read_a_release(world, releases, client_for):
    resp = client_for(world.alice).get(url("release-detail", release_id=releases["approved"].pk))
    assert_error(resp, 403)


def test_research_extracts_never_leave_through_the_api(world, releases, client_for):
    from kinlink.stats import extracts

    extract = extracts.extract_build(
        actor=world.stan,
        data=extracts.ExtractInput("Records", date(2024, 1, 1), date(2024, 12, 31), ["sex"]),
    )
    ss.release_submit(actor=world.stan, release_id=extract.pk)
    ss.release_decide(actor=world.max, release_id=extract.pk, approve=True)
    listed = client_for(world.rita).get(url("release-list")).json()["results"]
    assert str(extract.pk) not in [r["id"] for r in listed]
    resp = client_for(world.rita).get(url("release-detail", release_id=extract.pk))
    assert_error(resp, 404)
