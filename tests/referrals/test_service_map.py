"""The service map's administrative hierarchy (country → admin1 → admin2 → admin3): import
with a report of rejected rows, service points placed in it, search by place matching an area
and everything inside it, and the create/edit page of the role that manages the map."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from kinlink.core.models import AuditEvent
from kinlink.referrals import selectors
from kinlink.referrals import services as rs
from kinlink.referrals.models import AdminArea, ServicePoint

AREAS = (
    "country,level,code,name,parent_code\n"
    # children before their parents: the import sorts by level
    "KZ,3,KZ-ALA-MED,Medeu,KZ-ALA\n"
    "KZ,2,KZ-ALA,Almaty,KZ-19\n"
    "KZ,1,KZ-19,Almaty Region,\n"
    "KZ,2,KZ-TAL,Taldykorgan,KZ-19\n"
    "KZ,1,KZ-71,Astana Region,\n"
    "KZ,2,KZ-AST,Astana,KZ-71\n"
    # rejected rows
    "KZ,2,KZ-X,Nowhere,KZ-404\n"
    "KZ,3,KZ-Y,Wrong level,KZ-19\n"
    "KAZ,1,,,\n"
    "KZ,4,KZ-Z,Deep,KZ-ALA-MED\n"
    "KZ,1,KZ-Q,Region with parent,KZ-71\n"
)


@pytest.fixture
def areas(world):
    report = rs.areas_import(actor=world.ada, filename="areas.csv", content=AREAS.encode())
    assert (report.created, report.updated) == (6, 0)
    return {a.code: a for a in AdminArea.objects.all()}


def test_area_import_reports_each_rejected_row(world, areas):
    report = rs.areas_import(actor=world.ada, filename="areas.csv", content=AREAS.encode())
    assert report.created == 0 and report.updated == 6
    rejected = dict(report.rejected)
    assert sorted(rejected) == [8, 9, 10, 11, 12]
    assert "parent_code" in rejected[8] and "parent_code" in rejected[9]
    assert {"country", "code", "name"} <= set(rejected[10])
    assert "level" in rejected[11] and "parent_code" in rejected[12]
    assert areas["KZ-ALA-MED"].parent == areas["KZ-ALA"]
    assert [a.name for a in areas["KZ-ALA-MED"].chain()] == ["Almaty Region", "Almaty", "Medeu"]


def test_area_import_from_xlsx_and_refusals(world):
    wb = Workbook()
    ws = wb.active
    ws.append(["Country", "Level", "Code", "Name", "Parent_code"])
    ws.append(["UA", 1, "UA-46", "Lviv Oblast", None])
    ws.append(["UA", 2, "UA-46-LV", "Lviv", "UA-46"])
    buf = io.BytesIO()
    wb.save(buf)
    report = rs.areas_import(actor=world.sys, filename="ua.xlsx", content=buf.getvalue())
    assert report.created == 2 and not report.rejected
    # an agency administrator manages the map of the agency's country only
    report = rs.areas_import(actor=world.ada, filename="ua.xlsx", content=buf.getvalue())
    assert report.created == report.updated == 0 and len(report.rejected) == 2
    with pytest.raises(PermissionDenied):
        rs.areas_import(actor=world.alice, filename="ua.xlsx", content=buf.getvalue())
    with pytest.raises(ValidationError):
        rs.areas_import(actor=world.ada, filename="areas.txt", content=b"x")


def _point(world, name, area=None, **extra):
    raw = {"name": name, "provider": "NGO", "service_type": "legal_aid", "country": "KZ"}
    if area is not None:
        raw["area_id"] = str(area.pk)
    raw.update(extra)
    return rs.service_point_create(actor=world.ada, raw=raw)


def test_a_point_in_an_area_takes_its_names(world, areas):
    p = _point(world, "Legal desk Medeu", areas["KZ-ALA-MED"])
    assert (p.admin1, p.admin2, p.admin3) == ("Almaty Region", "Almaty", "Medeu")
    with pytest.raises(ValidationError) as exc:  # an area of another country
        _point(world, "Odd", areas["KZ-19"], country="UZ")
    assert "area_id" in exc.value.message_dict


def test_search_by_place_matches_the_area_and_everything_inside_it(world, areas):
    medeu = _point(world, "Medeu desk", areas["KZ-ALA-MED"])
    city = _point(world, "City desk", areas["KZ-ALA"])
    taldy = _point(world, "Taldykorgan desk", areas["KZ-TAL"])
    astana = _point(world, "Astana desk", areas["KZ-AST"])
    legacy = _point(world, "Old row", admin2="Almaty")  # no area, text only

    def names(**kw):
        return {p.name for p in selectors.service_search(**kw)}

    assert names(area_id=areas["KZ-19"].pk) == {medeu.name, city.name, taldy.name}
    assert names(area_id=areas["KZ-ALA"].pk) == {medeu.name, city.name}
    assert names(area_id=areas["KZ-ALA-MED"].pk) == {medeu.name}
    assert names(area="Almaty Region") == {medeu.name, city.name, taldy.name}
    assert names(area="kz-71") == {astana.name}
    assert names(area="Almaty") == {medeu.name, city.name, taldy.name, legacy.name}
    assert names(area="Medeu", country="UZ") == set()


def test_import_of_points_with_an_area_code(world, areas):
    csv = (
        "name,provider,service_type,country,area_code\n"
        "Clinic,City health,health,KZ,KZ-ALA-MED\n"
        "Clinic 2,City health,health,KZ,KZ-NOPE\n"
    )
    report = rs.service_points_import(actor=world.ada, filename="p.csv", content=csv.encode())
    assert report.created == 1 and report.rejected[0][0] == 3
    assert "area_id" in report.rejected[0][1]
    assert ServicePoint.objects.get(name="Clinic").area == areas["KZ-ALA-MED"]


def test_create_and_edit_pages(world, areas, login):
    client = login(world.ada)
    page = client.get("/services/points/new/").content.decode()
    assert "Almaty Region › Almaty › Medeu" in page
    data = {
        "name": "Legal aid desk",
        "provider": "Lawyers",
        "service_type": "legal_aid",
        "country": "KZ",
        "area_id": str(areas["KZ-ALA"].pk),
        "cost": "free",
        "languages": "ru, kk",
        "sexes": ["female"],
        "active": "on",
    }
    resp = client.post("/services/points/new/", data)
    assert resp.status_code == 302
    point = ServicePoint.objects.get(name="Legal aid desk")
    assert point.area == areas["KZ-ALA"] and point.languages == ["ru", "kk"]
    assert point.sexes == ["female"] and point.admin2 == "Almaty"
    # edit: bad input changes nothing
    url = f"/services/points/{point.pk}/"
    bad = data | {"min_age": "12", "max_age": "5"}
    assert client.post(url, bad).status_code == 200
    point.refresh_from_db()
    assert point.min_age is None
    before = AuditEvent.objects.filter(actor=world.ada).count()
    resp = client.post(url, data | {"hours": "Mon–Fri", "active": ""})
    assert resp.status_code == 302
    point.refresh_from_db()
    assert point.hours == "Mon–Fri" and point.active is False
    assert AuditEvent.objects.filter(actor=world.ada).count() == before + 1
    # who may use the pages
    assert login(world.alice).get("/services/points/new/").status_code == 403
    assert login(world.sam).get(url).status_code == 403
    assert login(world.sys).get(url).status_code == 200


def test_an_agency_admin_edits_only_the_points_of_their_country(world, login):
    uz = ServicePoint.objects.create(
        name="Tashkent desk", provider="NGO", service_type="legal_aid", country="UZ"
    )
    assert login(world.ada).get(f"/services/points/{uz.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        rs.service_point_update(
            actor=world.ada,
            point_id=uz.pk,
            raw={"name": "x", "provider": "y", "service_type": "health", "country": "UZ"},
        )
    with pytest.raises(ValidationError):  # nor create one abroad
        rs.service_point_create(
            actor=world.ada,
            raw={"name": "x", "provider": "y", "service_type": "health", "country": "UZ"},
        )


def test_area_import_page_shows_the_report(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.ada)
    upload = SimpleUploadedFile("areas.csv", AREAS.encode(), content_type="text/csv")
    page = client.post("/services/areas/import/", {"file": upload}).content.decode()
    assert "Areas created: 6; updated: 0." in page
    assert page.count('class="rejected-row"') == 5 and "Row 8" in page
    assert AdminArea.objects.count() == 6
    assert login(world.sam).get("/services/areas/import/").status_code == 403
