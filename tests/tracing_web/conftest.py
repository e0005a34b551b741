"""Fixtures of the tracing pages: a consented child of Alice (Almaty) and a tracing request
of Olga (Astana) that the engine matches to it, across scripts."""

from __future__ import annotations

from datetime import date

import pytest

from kinlink.cases import services as cs
from kinlink.tracing import engine
from kinlink.tracing import services as ts
from kinlink.tracing.models import PotentialMatch

from ..conftest import register


@pytest.fixture(autouse=True)
def fresh_engine():
    """The engine keeps process-wide indexes: start and end every test without them."""
    engine.reset()
    yield
    engine.reset()


def consent_tracing(actor, case, **kw):
    data = cs.ConsentInput(
        given_by="caregiver", kind="consent", given_on=date.today(), for_tracing=True, **kw
    )
    return cs.consent_record(actor=actor, case_id=case.pk, data=data)


def request_input(**trace) -> ts.RequestInput:
    return ts.RequestInput(
        enquirer_given_name="Зарина",
        enquirer_relationship="mother",
        inquiry_date=date.today(),
        traces=[ts.TraceInput(**trace)],
    )


@pytest.fixture
def child(world, run):
    case = run(register, world.alice, given="Мухаммед", family="Рахимов")
    run(consent_tracing, world.alice, case)
    return case


@pytest.fixture
def tracing_request(world, run, child):
    return run(
        ts.tracing_request_create,
        actor=world.olga,
        data=request_input(
            given_name="Muhammad",
            family_name="Rakhimov",
            sex="male",
            age_years=date.today().year - 2014,
        ),
    )


@pytest.fixture
def match(tracing_request):
    return PotentialMatch.objects.system("test").get(trace__request=tracing_request)
