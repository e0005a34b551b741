"""The shipped workbooks: reproducible from their scripts, installable, and the interview
instruments ask for no direct identifier."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kinlink.questionnaires.forms import build_interviews
from kinlink.questionnaires.models import FormDefinition
from kinlink.questionnaires.xlsform import read_xlsform, walk

FORMS = Path(build_interviews.__file__).parent


@pytest.mark.parametrize("filename", sorted(build_interviews.OUTPUTS))
def test_interview_instruments_are_reproducible_and_have_no_identifiers(filename):
    data = (FORMS / filename).read_bytes()
    assert build_interviews.build(build_interviews.OUTPUTS[filename]) == data
    definition = read_xlsform(data)
    assert definition["languages"] == ["en", "ru", "uk"]
    names = {n["name"] for n, _r in walk(definition["children"])}
    assert not names & {"name", "full_name", "address", "phone", "document", "dob"}


def test_install_forms_is_idempotent(db):
    out = StringIO()
    call_command("install_forms", stdout=out)
    call_command("install_forms", stdout=out)
    assert FormDefinition.objects.count() == 3
    assert all(f.versions.count() == 1 for f in FormDefinition.objects.all())
    purposes = dict(FormDefinition.objects.values_list("form_id", "purpose"))
    assert purposes == {
        "kinlink_city_needs": "city_survey",
        "kinlink_stakeholder_interview": "interview",
        "kinlink_child_interview": "interview",
    }
