from __future__ import annotations

from pathlib import Path

import pytest

from kinlink.accounts.models import Office
from kinlink.questionnaires import services
from kinlink.questionnaires.models import FormPurpose

CITY_SURVEY = (
    Path(__file__).resolve().parents[2] / "src/kinlink/questionnaires/forms/city_needs_survey.xlsx"
)


@pytest.fixture
def city_survey(db):
    return services.form_install(
        data=CITY_SURVEY.read_bytes(), purpose=FormPurpose.CITY_SURVEY, filename="city.xlsx"
    )


@pytest.fixture
def cities(world):
    """Cleo answers for Almaty; Lena (another city official) for Lviv (a KZ agency office)."""
    from tests.conftest import make_user

    lviv = Office.objects.create(agency=world.kz, name="Lviv office", code="LVI", city="Lviv")
    world.cleo.office = world.almaty
    world.cleo.save()
    world.lena = make_user("lena", "city_official", world.kz, lviv, language="uk")
    return world
