"""The country profile: laws and policies (kept by statisticians, audited, validated), service
availability by region from the service map, and barriers from referral outcomes (protected)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinlink.core.models import AuditEvent
from kinlink.referrals.models import ServicePoint
from kinlink.stats import profile
from kinlink.stats.models import DomainFact, LawPolicy

pytestmark = pytest.mark.django_db


def law(**kw) -> profile.LawInput:
    data = {
        "kind": "law",
        "title": "Law on the rights of the child",
        "adopted_on": date(2002, 8, 8),
        "url": "https://example.org/law",
        "summary": "Guardianship, alternative care.",
    }
    data.update(kw)
    return profile.LawInput(**data)


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"kind": "decree"}, "kind"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"adopted_on": None}, "adopted_on"),
        ({"adopted_on": date.today() + timedelta(days=2)}, "adopted_on"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "example.org/law"}, "url"),
        ({"summary": "x" * 2001}, "summary"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, bad, field):
    with pytest.raises(ValidationError) as exc:
        profile.law_save(actor=world.stan, data=law(**bad))
    assert field in exc.value.message_dict
    assert not LawPolicy.objects.exists()


def test_statisticians_keep_the_list_audited_other_roles_cannot(world):
    saved = profile.law_save(actor=world.stan, data=law())
    assert saved.country == "KZ" and saved.in_force
    assert AuditEvent.objects.filter(object_id=str(saved.pk), action="create").exists()
    changed = profile.law_save(actor=world.stan, data=law(in_force=False), law_id=saved.pk)
    assert not changed.in_force
    assert AuditEvent.objects.filter(object_id=str(saved.pk), action="change").exists()
    for persona in ("rita", "max", "alice", "sys"):
        with pytest.raises(PermissionDenied):
            profile.law_save(actor=getattr(world, persona), data=law())
    assert LawPolicy.objects.count() == 1


def test_a_law_of_another_country_cannot_be_changed(world):
    theirs = LawPolicy.objects.create(
        country="UZ", kind="law", title="UZ law", adopted_on=date(2008, 1, 7), created_by=world.umid
    )
    with pytest.raises(PermissionDenied):
        profile.law_save(actor=world.stan, data=law(), law_id=theirs.pk)
    assert LawPolicy.objects.get(pk=theirs.pk).title == "UZ law"


def test_service_availability_by_region(world):
    def point(country, region, service, active=True):
        ServicePoint.objects.create(
            name=f"{service} {region}",
            provider="NGO",
            service_type=service,
            country=country,
            admin1=region,
            active=active,
        )

    point("KZ", "Almaty", "health")
    point("KZ", "Almaty", "health")
    point("KZ", "Almaty", "legal_aid")
    point("KZ", "Turkistan", "health")
    point("KZ", "Turkistan", "legal_aid", active=False)  # closed: not available
    point("UZ", "Tashkent", "health")  # another country
    got = profile.service_availability("KZ")
    types = [code for code, _l in got["types"]]
    rows = {r["region"]: dict(zip(types, r["cells"], strict=True)) for r in got["rows"]}
    assert set(rows) == {"Almaty", "Turkistan"}
    assert rows["Almaty"]["health"] == 2 and rows["Almaty"]["legal_aid"] == 1
    assert rows["Turkistan"]["health"] == 1 and rows["Turkistan"]["legal_aid"] == 0
    assert [r["total"] for r in got["rows"]] == [3, 1]


@pytest.fixture
def referral_facts(db):
    """Referral facts of 2024 (declined = rejected or not implemented):
    legal aid 12 declined (8 for legal status, 4 for missing documents) + 6 implemented;
    health 3 declined (no place); education 7 declined (barrier not recorded) + 8
    implemented; 2 declined without consent; 4 declined in 2023."""

    def add(n, category, outcome, basis="ok", on=date(2024, 5, 1), reason=""):
        for _i in range(n):
            DomainFact.objects.create(
                source="referrals",
                record_id=uuid.uuid4(),
                country="KZ",
                basis=basis,
                category=category,
                outcome=outcome,
                started_on=on,
                changed_on=on,
                reason=reason,
            )

    add(8, "legal_aid", "rejected", reason="legal")
    add(4, "legal_aid", "not_implemented", reason="documents")
    add(6, "legal_aid", "implemented")
    add(3, "health", "rejected", reason="capacity")
    add(7, "education", "not_implemented")
    add(8, "education", "implemented")
    add(2, "health", "rejected", basis="withdrawn")
    add(4, "legal_aid", "rejected", on=date(2023, 5, 1))


def test_barriers_are_protected(referral_facts):
    got = profile.barriers("KZ", date(2024, 1, 1), date(2024, 12, 31))
    rows = {r["code"]: r for r in got["rows"]}
    assert rows["legal_aid"]["value"] == 12
    assert rows["legal_aid"]["share"] == 67  # 12 of the 18 resolved
    assert rows["health"]["value"] is None  # 3: primary suppression
    assert rows["education"]["value"] is None  # hidden with it, or 3 = 22 - 12 - 7
    assert rows["shelter"]["value"] == 0
    assert got["total"] == 22 and not got["withheld"]
    assert got["left_out"] is None  # 2 without consent: "fewer than 5"
    kinds = {r["code"]: r["value"] for r in got["kinds"]}
    assert kinds["legal"] == 8 and kinds["financial"] == 0
    assert kinds["documents"] is None and kinds["capacity"] is None  # 4 and 3
    assert kinds[""] is None  # 7: secondary suppression, hidden with them


def test_the_profile_page_and_its_roles(world, referral_facts, login):
    profile.law_save(actor=world.stan, data=law())
    page = login(world.rita).get("/statistics/profile/?start=2024-01-01&end=2024-12-31")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Law on the rights of the child" in text and 'href="https://example.org/law"' in text
    assert 'id="barriers-total">22<' in text
    assert 'data-code="health"><span' in text  # suppressed mark, not the 3
    assert 'data-code="legal">8<' in text and 'data-code="capacity"><span' in text
    assert "/statistics/profile/laws/new/" not in text  # researchers do not edit
    assert login(world.cleo).get("/statistics/profile/").status_code == 403
    bad = login(world.rita).get("/statistics/profile/?start=2024-12-31&end=2024-01-01")
    assert bad.status_code == 200 and 'id="barriers-total"' not in bad.content.decode()


def test_law_pages(world, login):
    stan = login(world.stan)
    assert stan.get("/statistics/profile/laws/new/").status_code == 200
    resp = stan.post(
        "/statistics/profile/laws/new/",
        {"kind": "strategy", "title": "National strategy", "adopted_on": "2021-01-01"},
    )
    assert resp.status_code == 302
    saved = LawPolicy.objects.get()
    assert saved.kind == "strategy" and saved.in_force is False  # unticked box: not in force
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    resp = stan.post(
        f"/statistics/profile/laws/{saved.pk}/",
        {"kind": "strategy", "title": "Changed", "adopted_on": future, "in_force": "on"},
    )
    assert resp.status_code == 200 and "in the future" in resp.content.decode()
    assert LawPolicy.objects.get().title == "National strategy"
    assert login(world.rita).post("/statistics/profile/laws/new/", {}).status_code == 403
    theirs = LawPolicy.objects.create(
        country="UZ", kind="law", title="UZ law", adopted_on=date(2008, 1, 7), created_by=world.umid
    )
    stan = login(world.stan)  # one client: signed in as Stan again
    assert stan.get(f"/statistics/profile/laws/{theirs.pk}/").status_code == 404
