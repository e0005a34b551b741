"""A small, hand-counted set of cases for the indicator tests (period: the year 2024).

| case | office (agency)     | sex | age at reg. | registered  | consent for statistics  |
|------|---------------------|-----|-------------|-------------|-------------------------|
| c1   | Almaty (KZ)         | F   | 4  (0-4)    | 2024-06-01  | yes                     |
| c2   | Almaty (KZ)         | M   | 9  (5-9)    | 2024-02-10  | yes                     |
| c3   | Almaty (KZ)         | M   | 16 (15-17)  | 2024-03-01  | yes (stateless, no birth reg.) |
| c4   | Almaty (KZ)         | F   | 12 (10-14)  | 2024-04-01  | withdrawn               |
| c5   | Almaty (KZ)         | M   | 9  (5-9)    | 2024-05-01  | none                    |
| c6   | Shymkent (KZ NGO)   | F   | 7  (5-9)    | 2023-05-01  | yes (open; before the period) |
| c7   | Tashkent (UZ)       | M   | 9           | 2024-02-01  | yes (another country)   |
| c8   | Almaty (KZ)         | F   | 9  (5-9)    | 2024-07-01  | override awaiting approval |

First assessments (hours after identification): c1 24, c2 48, c3 12 -> median 24.
Reunifications in 2024: c2 (separated 2024-01-01, reunified 2024-03-01: 60 days) and
c4 (withdrawn: left out).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kinlink.cases import choices as c
from kinlink.cases.models import Assessment, Case, Child, Consent
from kinlink.tracing.models import Reunification, Verification

from ..conftest import register


def _at(d: date, hour=8) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def make_case(actor, *, sex, dob, registered, consent, assessed_after=None, **child):
    case = register(actor, given="Child", family=registered.isoformat())
    Child.objects.system("test").filter(pk=case.child_id).update(
        sex=sex, date_of_birth=dob, **child
    )
    Case.objects.system("test").filter(pk=case.pk).update(
        identified_at=_at(registered), registered_at=_at(registered)
    )
    if consent:
        Consent.objects.create(
            case=case,
            given_by=c.ConsentGiver.CAREGIVER,
            kind=c.ConsentKind.CONSENT,
            given_on=registered,
            for_reporting=True,
            recorded_by=actor,
            withdrawn_at=_at(registered) + timedelta(days=3) if consent == "withdrawn" else None,
            override_basis="best_interests" if consent == "override" else "",
            override_state="pending" if consent == "override" else "",
        )
    if assessed_after is not None:
        Assessment.objects.system("test").filter(case=case, kind="initial").update(
            completed_at=_at(registered) + timedelta(hours=assessed_after)
        )
    return case


def reunify(actor, case, separated: date, on: date):
    Case.objects.system("test").filter(pk=case.pk).update(separation_date=separated)
    v = Verification.objects.create(
        case=case, adult_name="Mother", relationship="mother", author=actor
    )
    Reunification.objects.create(
        case=case,
        verification=v,
        adult_name="Mother",
        relationship="mother",
        place="Almaty",
        reunified_on=on,
        kind="case_by_case",
        author=actor,
    )


@pytest.fixture
def counted(world):
    w = world
    F, M = c.Sex.FEMALE, c.Sex.MALE
    cases = {
        "c1": make_case(
            w.alice,
            sex=F,
            dob=date(2020, 3, 1),
            registered=date(2024, 6, 1),
            consent="yes",
            assessed_after=24,
            nationalities=["AF"],
        ),
        "c2": make_case(
            w.alice,
            sex=M,
            dob=date(2014, 5, 2),
            registered=date(2024, 2, 10),
            consent="yes",
            assessed_after=48,
        ),
        "c3": make_case(
            w.alice,
            sex=M,
            dob=date(2008, 1, 1),
            registered=date(2024, 3, 1),
            consent="yes",
            assessed_after=12,
            statelessness_risk=True,
            birth_registration=c.BirthRegistration.NOT_REGISTERED,
        ),
        "c4": make_case(
            w.alice,
            sex=F,
            dob=date(2012, 1, 1),
            registered=date(2024, 4, 1),
            consent="withdrawn",
        ),
        "c5": make_case(
            w.alice, sex=M, dob=date(2015, 1, 1), registered=date(2024, 5, 1), consent=None
        ),
        "c6": make_case(
            w.kemal, sex=F, dob=date(2016, 1, 1), registered=date(2023, 5, 1), consent="yes"
        ),
        "c7": make_case(
            w.umid, sex=M, dob=date(2015, 1, 1), registered=date(2024, 2, 1), consent="yes"
        ),
        "c8": make_case(
            w.alice, sex=F, dob=date(2015, 1, 1), registered=date(2024, 7, 1), consent="override"
        ),
    }
    reunify(w.alice, cases["c2"], date(2024, 1, 1), date(2024, 3, 1))
    reunify(w.alice, cases["c4"], date(2024, 1, 1), date(2024, 3, 1))
    return cases
