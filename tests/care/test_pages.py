"""The care section of the case page and its forms (no JavaScript: posts and redirects)."""

from __future__ import annotations

from django.utils import timezone

from kinlink.care import choices as k
from kinlink.care.models import Placement

from .conftest import child_case, years_ago


def test_case_page_shows_the_care_sections(world, login):
    case = child_case(world.alice, dob=years_ago(1))
    body = login(world.alice).get(f"/cases/{case.pk}/").content.decode()
    for anchor in ('id="care"', 'id="guardianship"', 'id="best-interests"', 'id="referrals"'):
        assert anchor in body
    assert "Record a care arrangement" in body


def test_refused_placement_rerenders_with_errors_and_changes_nothing(world, login):
    case = child_case(world.alice, dob=years_ago(1))
    client = login(world.alice)
    resp = client.post(
        f"/care/cases/{case.pk}/placements/",
        {
            "placement-care_type": k.CareType.RESIDENTIAL_INSTITUTION,
            "placement-start_on": timezone.localdate().isoformat(),
            "placement-reason": "no_caregiver",
            "placement-siblings": "none",
        },
    )
    assert resp.status_code == 200 and "rule 34" in resp.content.decode()
    assert Placement.objects.system("t").count() == 0


def test_placement_cycle_through_the_pages(world, login):
    case = child_case(world.alice, dob=years_ago(10))
    client = login(world.alice)
    resp = client.post(
        f"/care/cases/{case.pk}/placements/",
        {
            "placement-care_type": k.CareType.FOSTER,
            "placement-start_on": timezone.localdate().isoformat(),
            "placement-reason": "no_caregiver",
            "placement-siblings": "none",
        },
    )
    assert resp.status_code == 302
    p = Placement.objects.system("t").get()
    resp = client.post(f"/care/cases/{case.pk}/placements/{p.pk}/start/")
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == "proposed"  # refused (rule 33), shown as a message
    pre = f"gk-{p.pk.hex[:8]}"
    resp = client.post(
        f"/care/cases/{case.pk}/placements/{p.pk}/gatekeeping/",
        {
            f"{pre}-deciding_body": "commission",
            f"{pre}-decided_on": timezone.localdate(),
            f"{pre}-assessment_summary": "x",
            f"{pre}-alternatives": ["kinship", "family_support"],
            f"{pre}-decision": "approved",
            f"{pre}-rationale": "y",
        },
    )
    assert resp.status_code == 302
    client.post(f"/care/cases/{case.pk}/placements/{p.pk}/start/")
    p.refresh_from_db()
    assert p.status == "active"


def test_other_office_gets_404_and_other_roles_403(world, login):
    case = child_case(world.alice, dob=years_ago(10))
    url = f"/care/cases/{case.pk}/guardian/"
    assert login(world.olga).post(url, {}).status_code == 404
    assert login(world.stan).post(url, {}).status_code == 403


def test_providers_register(world, login):
    client = login(world.ada)
    resp = client.post(
        "/care/providers/",
        {"name": "Baby home №1", "care_type": "residential_institution", "accepts_under3": "on"},
    )
    assert resp.status_code == 302
    assert "Baby home №1" in login(world.alice).get("/care/providers/").content.decode()
    assert login(world.alice).post("/care/providers/", {}).status_code == 403
