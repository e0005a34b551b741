"""Shared fixtures: two agencies in two countries and a named persona for every role.

Kazakhstan (agency KZ-CP): Almaty office — Alice and Bob (caseworkers), Sam (supervisor);
Astana office — Oscar (supervisor), Olga (caseworker). Agency-wide: Ada (agency admin),
Max (manager), Nina (manager with national oversight). Other roles: Carl (cross-border
coordinator), Pia (service provider), Stan (statistician), Rita (researcher), Cleo (city
official), Tara (trainer), Sys (system administrator). Uzbekistan (agency UZ-CP): Umid
(caseworker) — an outsider to every Kazakh case.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from kinlink.accounts.mfa import activate_totp
from kinlink.accounts.models import Agency, Office, User
from kinlink.accounts.roles import Role
from kinlink.cases import choices as c
from kinlink.cases import services as cs

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _default_language():
    """A request through the locale middleware leaves its language active in the thread;
    every test starts from the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


def make_user(username, role, agency=None, office=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        agency=agency,
        office=office,
        first_name=username.capitalize(),
        **extra,
    )
    return user


@pytest.fixture
def world(db):
    kz = Agency.objects.create(name="Child Protection KZ", code="kz-cp", country="KZ")
    kz2 = Agency.objects.create(name="Children's Rights NGO KZ", code="kz-ngo", country="KZ")
    uz = Agency.objects.create(name="Child Protection UZ", code="uz-cp", country="UZ")
    almaty = Office.objects.create(agency=kz, name="Almaty", code="ALM", city="Almaty")
    astana = Office.objects.create(agency=kz, name="Astana", code="AST", city="Astana")
    shymkent = Office.objects.create(agency=kz2, name="Shymkent", code="SHY", city="Shymkent")
    tashkent = Office.objects.create(agency=uz, name="Tashkent", code="TAS", city="Tashkent")

    class W:
        pass

    w = W()
    w.kz, w.kz2, w.uz = kz, kz2, uz
    w.almaty, w.astana, w.shymkent, w.tashkent = almaty, astana, shymkent, tashkent
    w.alice = make_user("alice", Role.CASEWORKER, kz, almaty)
    w.bob = make_user("bob", Role.CASEWORKER, kz, almaty)
    w.sam = make_user("sam", Role.SUPERVISOR, kz, almaty)
    w.oscar = make_user("oscar", Role.SUPERVISOR, kz, astana)
    w.olga = make_user("olga", Role.CASEWORKER, kz, astana)
    w.ada = make_user("ada", Role.AGENCY_ADMIN, kz)
    w.max = make_user("max", Role.MANAGER, kz)
    w.nina = make_user("nina", Role.MANAGER, kz, national_oversight=True)
    w.carl = make_user("carl", Role.CROSSBORDER, kz)
    w.pia = make_user("pia", Role.SERVICE_PROVIDER, kz)
    w.stan = make_user("stan", Role.STATISTICIAN, kz)
    w.rita = make_user("rita", Role.RESEARCHER, kz)
    w.cleo = make_user("cleo", Role.CITY_OFFICIAL, kz)
    w.tara = make_user("tara", Role.TRAINER, kz)
    w.sys = make_user("sys", Role.SYSTEM_ADMIN)
    w.umid = make_user("umid", Role.CASEWORKER, uz, tashkent)
    w.kemal = make_user("kemal", Role.CASEWORKER, kz2, shymkent)
    return w


def register(actor, given="Мухаммед", family="Рахимов", risk=c.RiskLevel.HIGH, **child_extra):
    child = cs.ChildInput(
        given_name=given,
        family_name=family,
        sex=c.Sex.MALE,
        protection_status=c.ProtectionStatus.UNACCOMPANIED,
        date_of_birth=child_extra.pop("date_of_birth", date(2014, 5, 2)),
        nationalities=["TJ"],
        languages=["tg", "ru"],
        **child_extra,
    )
    return cs.child_register(actor=actor, child=child, case=cs.CaseInput(risk_level=risk))


@pytest.fixture
def alice_case(world):
    return register(world.alice)


@pytest.fixture
def kemal_case(world):
    return register(world.kemal, given="Aisha", family="Nurlanova")


@pytest.fixture
def umid_case(world):
    return register(world.umid, given="Oysha", family="Karimova")


@pytest.fixture
def login(client):
    """``login(user)`` signs the user in (with a second factor set up) and returns the client."""

    def _login(user):
        activate_totp(user)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``run(service, ...)`` calls a service and runs what it enqueued on commit (the test
    task backend runs a task when it is enqueued)."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
