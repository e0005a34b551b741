"""Research extracts: pseudonymised, generalised, k-anonymous, approved before export.

The 27 children of ``many`` (all with consent, registered in March 2024): girls 5-9: 9,
boys 5-9: 12, boys 10-14: 3, girls 10-14: 3. With age band and sex as quasi-identifiers and
k = 5, the two groups of 3 are left out: 21 records."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinlink.cases.models import Case
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.stats import extracts
from kinlink.stats import services as ss
from kinlink.stats.models import Release

from .conftest import make_case
from .test_releases import many  # noqa: F401  (the 27-children fixture)

pytestmark = pytest.mark.django_db


def build(world, columns=("age_band", "sex", "protection_status", "stage"), **kw):
    return extracts.extract_build(
        actor=kw.pop("actor", world.stan),
        data=extracts.ExtractInput(
            title=kw.pop("title", "Research 2024"),
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            columns=list(columns),
        ),
    )


def test_records_are_pseudonymised_generalised_and_k_anonymous(world, many):  # noqa: F811
    release = build(world)
    body = release.tables[0]
    assert release.kind == "extract" and release.state == "draft"
    assert body["columns"] == ["pseudonym", "age_band", "sex", "protection_status", "stage"]
    assert body["quasi_identifiers"] == ["age_band", "sex", "protection_status"]
    assert len(body["records"]) == 21 and body["suppressed_for_k"] == 6
    assert {tuple(r[1:3]) for r in body["records"]} == {("5-9", "female"), ("5-9", "male")}
    pseudonyms = [r[0] for r in body["records"]]
    assert len(set(pseudonyms)) == 21 and all(len(p) == 20 for p in pseudonyms)
    text = json.dumps(release.tables)
    for case in Case.objects.system("test").select_related("child"):
        assert str(case.pk) not in text and case.number not in text
        assert case.child.family_name not in text
        assert case.child.date_of_birth.isoformat() not in text
    assert extracts.check(body["records"], body["columns"][1:], 5).ok


def test_pseudonyms_do_not_link_two_extracts(world, many):  # noqa: F811
    one = {r[0] for r in build(world).tables[0]["records"]}
    two = {r[0] for r in build(world).tables[0]["records"]}
    assert one and not one & two


def test_quarters_and_records_without_a_basis(world, many):  # noqa: F811
    make_case(
        world.alice, sex="male", dob=date(2016, 1, 1), registered=date(2024, 5, 1), consent=None
    )
    ss.facts_refresh()
    release = build(world, columns=("registered_quarter", "reunified", "weeks_to_case_plan"))
    body = release.tables[0]
    assert {r[1] for r in body["records"]} == {"2024-Q1"}
    assert {r[2] for r in body["records"]} == {False} and {r[3] for r in body["records"]} == {None}
    assert len(body["records"]) == 27
    assert body["left_out"] == {"no_consent": None}  # 1: fewer than the minimum cell


@pytest.mark.parametrize(
    "columns,field", [((), "columns"), (("age_band", "name"), "columns"), (("area",), "columns")]
)
def test_bad_input_changes_nothing(world, many, columns, field):  # noqa: F811
    if columns == ("area",):
        SopProfile.objects.filter(active=True).update(stats_min_admin_level=0)
    with pytest.raises(ValidationError) as exc:
        build(world, columns=columns)
    assert field in exc.value.message_dict
    assert not Release.objects.exists()


def test_only_statisticians_build(world, many):  # noqa: F811
    for persona in ("rita", "max", "alice"):
        with pytest.raises(PermissionDenied):
            build(world, actor=getattr(world, persona))


def test_approval_checks_k_anonymity_again(world, many):  # noqa: F811
    release = build(world)
    ss.release_submit(actor=world.stan, release_id=release.pk)
    SopProfile.objects.filter(active=True).update(stats_k_anonymity=10)  # 9 girls < 10
    with pytest.raises(ValidationError, match="not 10-anonymous"):
        ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    assert Release.objects.get(pk=release.pk).state == "pending"
    SopProfile.objects.filter(active=True).update(stats_k_anonymity=5)
    tampered = Release.objects.get(pk=release.pk)
    tampered.tables[0]["records"].append(["x" * 20, "10-14", "female", "unaccompanied", "x"])
    tampered.save()
    with pytest.raises(ValidationError):
        ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    assert ss.release_decide(actor=world.max, release_id=release.pk, approve=False, comment="Fix")


def test_export_only_when_approved_logged_and_only_as_records(world, many, login):  # noqa: F811
    release = build(world)
    base = f"/statistics/releases/{release.pk}/export"
    stan = login(world.stan)
    assert stan.get(f"{base}/csv/").status_code == 409
    ss.release_submit(actor=world.stan, release_id=release.pk)
    ss.release_decide(actor=world.max, release_id=release.pk, approve=True)
    rita = login(world.rita)
    page = rita.get(f"/statistics/releases/{release.pk}/").content.decode()
    assert 'id="k-check"' in page and "5-anonymous" in page
    resp = rita.get(f"{base}/csv/")
    assert resp.status_code == 200
    lines = resp.content.decode().splitlines()
    assert lines[0] == "pseudonym,age_band,sex,protection_status,stage" and len(lines) == 22
    data = json.loads(rita.get(f"{base}/json/").content)
    assert len(data["records"]) == 21 and data["approved_by"] == world.max.get_username()
    for fmt in ("xlsx", "pdf", "dhis2"):
        assert rita.get(f"{base}/{fmt}/").status_code == 404
    events = AuditEvent.objects.filter(object_id=str(release.pk), action="export")
    assert sorted(e.detail["format"] for e in events) == ["csv", "json"]


def test_extract_pages(world, many, login):  # noqa: F811
    assert login(world.rita).get("/statistics/releases/new-extract/").status_code == 403
    stan = login(world.stan)
    assert stan.get("/statistics/releases/new-extract/").status_code == 200
    bad = stan.post(
        "/statistics/releases/new-extract/",
        {"title": "X", "period_start": "2024-01-01", "period_end": "2024-12-31"},
    )
    assert bad.status_code == 200 and not Release.objects.exists()
    ok = stan.post(
        "/statistics/releases/new-extract/",
        {
            "title": "X",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "columns": ["age_band", "sex"],
        },
    )
    assert ok.status_code == 302
    assert Release.objects.get().kind == "extract"
