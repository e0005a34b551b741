"""Releases: built by a statistician, approved by a manager, exported only when approved,
every export logged; the pages and their roles."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from kinlink.core.models import AuditEvent, SopProfile
from kinlink.stats import services as ss
from kinlink.stats.models import Release

from .conftest import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world):
    """27 children with consent in 2024: enough for some cells to be published."""
    from kinlink.cases import choices as c

    specs = [
        (c.Sex.FEMALE, date(2016, 1, 1), 9),  # 5-9 girls: 9 cells
        (c.Sex.MALE, date(2016, 1, 1), 12),  # 5-9 boys: 12
        (c.Sex.MALE, date(2012, 1, 1), 3),  # 10-14 boys: 3 (primary)
        (c.Sex.FEMALE, date(2012, 1, 1), 3),  # 10-14 girls: 3 (primary)
    ]
    for sex, dob, n in specs:
        for k in range(n):
            make_case(world.alice, sex=sex, dob=dob, registered=date(2024, 3, 1 + k), consent="yes")
    ss.facts_refresh()


def build(world, **kw):
    data = ss.ReleaseInput(
        title=kw.pop("title", "Children registered 2024"),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        indicators=kw.pop("indicators", ["children_registered"]),
        **kw,
    )
    return ss.release_build(actor=world.stan, data=data)


def test_build_stores_only_protected_tables_and_versions(world, many):
    r1 = build(world)
    table = r1.tables[0]
    assert table["breakdown"] == "age_sex"
    values = [v for row in table["values"] for v in row if v is not None]
    assert all(v == 0 or v >= 5 for v in values)
    flags = {f for row in table["flags"] for f in row}
    assert {"primary", "secondary"} <= flags
    assert r1.parameters["min_cell"] == 5 and r1.version == 1 and r1.state == "draft"
    r2 = build(world)
    assert r2.version == 2
    assert AuditEvent.objects.filter(object_id=str(r1.pk), action="create").exists()


def test_validation_geography_and_indicators(world, many):
    with pytest.raises(ValidationError) as exc:
        build(world, indicators=["nope"], geography_level=2)
    assert {"indicators", "geography_level"} <= set(exc.value.message_dict)
    assert not Release.objects.exists()


def test_workflow_submit_approve_export_logged(world, many, login):
    release = build(world)
    stan = login(world.stan)
    # a draft never leaves the system
    assert stan.get(f"/statistics/releases/{release.pk}/export/csv/").status_code == 409
    assert (
        stan.post(f"/statistics/releases/{release.pk}/submit/", {"confirm": "1"}).status_code == 302
    )
    release.refresh_from_db()
    assert release.state == "pending"
    mgr = login(world.max)
    resp = mgr.post(f"/statistics/releases/{release.pk}/decide/", {"decision": "approve"})
    assert resp.status_code == 302
    release.refresh_from_db()
    assert release.state == "approved" and release.decided_by == world.max
    resp = mgr.get(f"/statistics/releases/{release.pk}/export/csv/")
    assert resp.status_code == 200
    lines = list(csv.reader(io.StringIO(resp.content.decode())))
    assert lines[1][0] == "#meta+release" and "#indicator+value+num" in lines[1]
    col = lines[0].index("value")
    published = [int(r[col]) for r in lines[2:] if r[col]]
    assert published and all(v == 0 or v >= 5 for v in published)
    assert AuditEvent.objects.filter(
        object_id=str(release.pk), action="export", actor=world.max
    ).exists()
    x = mgr.get(f"/statistics/releases/{release.pk}/export/xlsx/")
    book = load_workbook(io.BytesIO(x.content))
    assert book["data"].cell(2, 1).value == "#meta+release"
    j = json.loads(mgr.get(f"/statistics/releases/{release.pk}/export/json/").content)
    assert j["version"] == 1 and j["approved_by"] == "max"
    d = json.loads(mgr.get(f"/statistics/releases/{release.pk}/export/dhis2/").content)
    assert all(v["value"] for v in d["dataValues"])
    assert AuditEvent.objects.filter(object_id=str(release.pk), action="export").count() == 4


def test_author_cannot_approve_and_return_needs_comment(world, many):
    release = build(world)
    ss.release_submit(actor=world.stan, release_id=release.pk)
    with pytest.raises(ValidationError):
        ss.release_decide(actor=world.max, release_id=release.pk, approve=False)
    ss.release_decide(actor=world.max, release_id=release.pk, approve=False, comment="Add 2023")
    release.refresh_from_db()
    assert release.state == "rejected"


def test_other_country_and_roles(world, many, login):
    release = build(world)
    ss.release_submit(actor=world.stan, release_id=release.pk)
    ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    # Umid works in Uzbekistan; Alice may not see statistics at all
    assert login(world.umid).get(f"/statistics/releases/{release.pk}/").status_code == 403
    assert login(world.alice).get("/statistics/").status_code == 403
    # Rita (researcher) sees approved releases and downloads them
    rita = login(world.rita)
    assert rita.get(f"/statistics/releases/{release.pk}/").status_code == 200
    assert rita.get(f"/statistics/releases/{release.pk}/export/csv/").status_code == 200


def test_dashboard_shows_protected_figures_and_working_view_is_logged(world, many, login):
    rita = login(world.rita)
    page = rita.get("/statistics/?start=2024-01-01&end=2024-12-31").content.decode()
    assert "Children identified and registered" in page
    assert "<svg" in page and 'direction="ltr"' in page
    assert 'data-flag="primary"' in page
    # the 3 (10-14 boys) is never printed in a cell for a researcher
    assert '<td class="text-end kl-suppressed" data-flag="primary"><span' in page
    stan = login(world.stan)
    page = stan.get("/statistics/?start=2024-01-01&end=2024-12-31&working=1").content.decode()
    assert "3*" in page
    assert AuditEvent.objects.filter(actor=world.stan, object_type="stats.working_view").exists()
    # Rita cannot switch the working view on
    rita = login(world.rita)
    page = rita.get("/statistics/?start=2024-01-01&end=2024-12-31&working=1").content.decode()
    assert "3*" not in page


def test_dashboard_in_arabic_draws_right_to_left(world, many, login):
    rita = login(world.rita)
    page = rita.get(
        "/statistics/?start=2024-01-01&end=2024-12-31", HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert 'dir="rtl"' in page
    assert 'direction="rtl"' in page


def test_refresh_and_create_pages(world, many, login):
    stan = login(world.stan)
    assert stan.post("/statistics/refresh/", {"confirm": "1"}).status_code == 302
    assert stan.get("/statistics/releases/new/").status_code == 200
    resp = stan.post(
        "/statistics/releases/new/",
        {
            "title": "Q1",
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
            "indicators": ["children_registered", "cases_open"],
            "breakdowns": ["protection_status"],
            "geography_level": "0",
        },
    )
    assert resp.status_code == 302
    assert Release.objects.get(title="Q1").indicators == ["children_registered", "cases_open"]
    bad = stan.post("/statistics/releases/new/", {"title": "", "geography_level": "0"})
    assert bad.status_code == 200 and Release.objects.count() == 1
    assert login(world.rita).post("/statistics/refresh/").status_code == 403


def test_rounding_base_applies_to_published_cells(world, many):
    sop = SopProfile.current()
    sop.stats_rounding_base = 5
    sop.save()
    release = build(world)
    values = [v for row in release.tables[0]["values"] for v in row if v is not None]
    assert all(v % 5 == 0 for v in values)


def test_survey_page_estimates_from_an_upload(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = ["w,stratum,psu,abroad"] + [
        f"{10 + k % 3},S{k % 2},P{k % 6},{1 if k % 4 == 0 else 0}" for k in range(60)
    ]
    upload = SimpleUploadedFile("survey.csv", "\n".join(rows).encode(), "text/csv")
    resp = login(world.stan).post(
        "/statistics/surveys/",
        {
            "file": upload,
            "weight": "w",
            "stratum": "stratum",
            "cluster": "psu",
            "variable": "abroad",
        },
    )
    assert resp.status_code == 200
    assert 'id="survey-result"' in resp.content.decode()
