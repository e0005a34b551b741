"""Service map (search, import with a report of rejected rows), referrals (consent check,
timeframes, workflow, provider view) and rules 6 and 7."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinlink.cases import services as cs
from kinlink.referrals import selectors
from kinlink.referrals import services as rs
from kinlink.referrals.models import Referral, ServicePoint

from ..care.conftest import open_kinds
from ..conftest import register

CSV = (
    "name,provider,service_type,country,admin1,admin2,min_age,max_age,sexes,languages,cost\n"
    "Clinic 5,City health,health,KZ,Almaty Region,Almaty,0,17,,ru;kk,free\n"
    "Legal desk,NRC,legal_aid,kz,Almaty Region,Almaty,,,female,ru,free\n"
    "Broken,,teleportation,KAZ,,,x,,,,\n"
)


@pytest.fixture
def points(world):
    report = rs.service_points_import(actor=world.ada, filename="map.csv", content=CSV.encode())
    assert report.created == 2
    return {p.name: p for p in ServicePoint.objects.all()}


def test_import_reports_rejected_rows(world, points):
    report = rs.service_points_import(actor=world.ada, filename="map.csv", content=CSV.encode())
    ((row, errors),) = report.rejected
    assert row == 4 and {"provider", "service_type", "country", "min_age"} <= set(errors)


def test_import_xlsx(world):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["name", "provider", "service_type", "country"])
    wb.active.append(["School 12", "Akimat", "education", "KZ"])
    buf = io.BytesIO()
    wb.save(buf)
    report = rs.service_points_import(actor=world.sys, filename="m.xlsx", content=buf.getvalue())
    assert report.created == 1 and not report.rejected


def test_import_needs_manage_services(world):
    with pytest.raises(PermissionDenied):
        rs.service_points_import(actor=world.alice, filename="m.csv", content=CSV.encode())


def test_search_by_need_place_and_eligibility(world, points):
    assert [p.name for p in selectors.service_search(need="health", area="almaty")] == ["Clinic 5"]
    assert selectors.service_search(need="legal_aid", sex="male") == []
    assert selectors.service_search(need="health", age=18) == []


def _refer(world, case, **extra):
    data = dict(service_type="health", timeframe="1d", agency_name="City clinic")
    data.update(extra)
    return rs.referral_create(actor=world.alice, case_id=case.pk, data=rs.ReferralInput(**data))


def test_no_consent_to_share_never_blocks_the_service(world, alice_case, points):
    with pytest.raises(ValidationError) as exc:
        _refer(world, alice_case, share=["name"])
    assert "share" in exc.value.message_dict
    assert Referral.objects.system("t").count() == 0
    ref = _refer(world, alice_case, service_point_id=points["Clinic 5"].pk)  # nothing shared
    assert ref.shared == {} and not ref.consent_to_share


def test_with_consent_only_the_chosen_fields_are_shared(world, alice_case, points):
    cs.consent_record(
        actor=world.alice,
        case_id=alice_case.pk,
        data=cs.ConsentInput(
            given_by="caregiver",
            kind="consent",
            given_on=date.today(),
            for_services=True,
            share_with=["service_providers"],
        ),
    )
    ref = _refer(
        world,
        alice_case,
        service_point_id=points["Clinic 5"].pk,
        share=["age", "needs"],
        needs="Vaccinations",
    )
    assert set(ref.shared) == {"age", "needs"}


def test_rule6_due_by_timeframe_or_appointment(world, alice_case):
    ref = _refer(world, alice_case, timeframe="3h")
    assert ref.due_at - ref.created_at < timedelta(hours=3, seconds=5)
    appointment = timezone.now() + timedelta(days=5)
    ref2 = _refer(world, alice_case, timeframe="appointment", appointment_at=appointment)
    assert ref2.due_at == appointment
    with pytest.raises(ValidationError):
        _refer(world, alice_case, timeframe="appointment")


def test_rule6_overdue_alert_and_fix(world, alice_case):
    ref = _refer(world, alice_case, timeframe="1h")
    assert "referral_overdue" not in open_kinds(alice_case)
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert "referral_overdue" in open_kinds(alice_case)
        rs.referral_update(actor=world.alice, referral_id=ref.pk, status="accepted")
        assert "referral_overdue" not in open_kinds(alice_case)


def test_rule7_no_update_for_14_days(world, alice_case):
    ref = _refer(world, alice_case, timeframe="3d")
    rs.referral_update(actor=world.alice, referral_id=ref.pk, status="accepted")
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23), tick=False):
        assert "referral_stale" not in open_kinds(alice_case)
    with time_machine.travel(timezone.now() + timedelta(days=14, hours=1), tick=False):
        assert "referral_stale" in open_kinds(alice_case)
        rs.referral_update(actor=world.alice, referral_id=ref.pk, status="implemented")
        assert "referral_stale" not in open_kinds(alice_case)


def test_workflow_and_reasons(world, alice_case):
    ref = _refer(world, alice_case)
    with pytest.raises(ValidationError):
        rs.referral_update(actor=world.alice, referral_id=ref.pk, status="implemented")
    with pytest.raises(ValidationError) as exc:
        rs.referral_update(actor=world.alice, referral_id=ref.pk, status="rejected")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rs.referral_update(actor=world.alice, referral_id=ref.pk, status="rejected", reason="Full")
    assert "barrier" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rs.referral_update(
            actor=world.alice, referral_id=ref.pk, status="rejected", reason="x", barrier="fees"
        )
    assert "barrier" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a barrier only when the referral fails
        rs.referral_update(
            actor=world.alice, referral_id=ref.pk, status="accepted", barrier="capacity"
        )
    assert "barrier" in exc.value.message_dict
    ref.refresh_from_db()
    assert ref.status == "referred" and ref.barrier == ""
    rs.referral_update(
        actor=world.alice,
        referral_id=ref.pk,
        status="rejected",
        reason="Full until spring",
        barrier="capacity",
    )
    ref.refresh_from_db()
    assert (ref.status, ref.barrier, ref.status_reason) == (
        "rejected",
        "capacity",
        "Full until spring",
    )


def test_provider_sees_only_referrals_to_them_with_shared_fields(world, alice_case, points, login):
    clinic = points["Clinic 5"]
    clinic.users.add(world.pia)
    mine = _refer(world, alice_case, service_point_id=clinic.pk)
    other = _refer(world, alice_case, service_point_id=points["Legal desk"].pk)
    body = login(world.pia).get("/services/inbox/").content.decode()
    assert mine.reference in body and other.reference not in body
    assert alice_case.number not in body and "Рахимов" not in body
    rs.referral_update(
        actor=world.pia, referral_id=mine.pk, status="accepted", feedback="Seen on Monday"
    )
    with pytest.raises(PermissionDenied):
        rs.referral_update(actor=world.pia, referral_id=other.pk, status="accepted")
    assert login(world.pia).get(f"/cases/{alice_case.pk}/").status_code == 404


def test_case_page_flags_documentation(world, login):
    case = register(world.alice, birth_registration="not_registered")
    body = login(world.alice).get(f"/cases/{case.pk}/").content.decode()
    assert "legal aid or birth registration" in body
