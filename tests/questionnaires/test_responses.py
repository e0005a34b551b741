"""Server-side validation, versions, drafts, export and the import → answer → export →
re-import round trip."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from kinlink.questionnaires import selectors, services
from kinlink.questionnaires.engine import FormEngine
from kinlink.questionnaires.models import FormPurpose, FormVersion, Response
from kinlink.questionnaires.xlsform import read_xlsform

from .xlsx import YN, q, workbook

SURVEY = [
    q("text", "name", required="yes"),
    q("integer", "age", constraint=". >= 0 and . < 120", constraint_message="0 to 119"),
    q("select_one yn", "has_kids", required="yes"),
    {"type": "begin group", "name": "kids_g", "label": "Kids", "relevant": "${has_kids} = 'yes'"},
    {"type": "begin repeat", "name": "kids", "label": "Child"},
    q("text", "kname", required="yes"),
    q("integer", "kage", constraint=". < ${age}"),
    {"type": "end repeat"},
    {"type": "end group"},
    q("select_multiple needs", "needs"),
    q("select_one needs", "first", choice_filter="selected(${needs}, name)"),
    {"type": "calculate", "name": "n_needs", "calculation": "count-selected(${needs})"},
    q("date", "seen", constraint=". <= today()"),
    q("decimal", "score", default="1.5"),
]
CHOICES = YN + [
    {"list_name": "needs", "name": "food", "label": "Food"},
    {"list_name": "needs", "name": "school", "label": "School"},
    {"list_name": "needs", "name": "health", "label": "Health"},
]


def engine():
    return FormEngine(read_xlsform(workbook(SURVEY, CHOICES)))


def test_required_constraint_relevant_calculate_repeats_choice_filter():
    e = engine()
    ev = e.evaluate(
        {
            "name": "",
            "age": "130",
            "has_kids": "yes",
            "kids": [{"kname": "", "kage": "140"}, {"kname": "B", "kage": "3"}],
            "needs": "food school",
            "first": "health",
            "seen": "2999-01-01",
            "score": "x",
        },
        final=True,
    )
    assert ev.errors == {
        "name": "This question needs an answer.",
        "age": "0 to 119",
        "kids[0].kname": "This question needs an answer.",
        "kids[0].kage": "This answer is not accepted.",
        "first": "Choose one of the options.",
        "seen": "This answer is not accepted.",
        "score": "Enter a number.",
    }
    assert ev.answers["n_needs"] == "2"
    assert [c["name"] for c in ev.choices["first"]] == ["food", "school"]


def test_irrelevant_answers_are_dropped_and_not_validated():
    ev = engine().evaluate(
        {"name": "A", "has_kids": "no", "kids": [{"kname": ""}], "needs": ""}, final=True
    )
    assert ev.ok, ev.errors
    assert ev.answers["kids"] == []


def test_defaults_fill_a_new_response():
    assert engine().initial()["score"] == "1.5"


def _publish(world, survey=SURVEY, choices=CHOICES, purpose=FormPurpose.SURVEY, **settings):
    v = services.form_import(
        actor=world.ada, data=workbook(survey, choices, settings), purpose=purpose
    )
    return services.version_publish(actor=world.ada, version_id=v.pk)


def test_published_version_never_changes_and_new_versions_sit_beside(world):
    v1 = _publish(world)
    v1.definition = {}
    with pytest.raises(PermissionError):
        v1.save()
    v2 = _publish(world, survey=SURVEY + [q("text", "extra")], version="2")
    assert (v1.form_id, v1.number, v2.number) == (v2.form_id, 1, 2)
    assert FormVersion.objects.get(pk=v1.pk).definition["version"] == "1"


def test_only_form_managers_import(world):
    with pytest.raises(PermissionDenied):
        services.form_import(actor=world.alice, data=workbook(SURVEY, CHOICES))


def test_submit_validates_against_the_response_version(world):
    v1 = _publish(world)
    draft = services.response_start(actor=world.alice, version_id=v1.pk)
    # a newer version makes 'extra' required; the draft still answers v1
    _publish(world, survey=SURVEY + [q("text", "extra", required="yes")], version="2")
    bad = {"name": "", "has_kids": "no"}
    with pytest.raises(services.ResponseInvalid) as err:
        services.response_save(actor=world.alice, response_id=draft.pk, answers=bad, submit=True)
    assert set(err.value.errors) == {"name"}
    assert Response.objects.system("t").get(pk=draft.pk).status == "draft"
    done = services.response_save(
        actor=world.alice,
        response_id=draft.pk,
        answers={"name": "A", "has_kids": "no"},
        submit=True,
    )
    assert done.status == "submitted" and done.version_id == v1.pk


def test_drafts_are_private_to_their_author(world):
    v = _publish(world)
    draft = services.response_start(actor=world.alice, version_id=v.pk)
    assert not Response.objects.restrict(world.bob, "view").filter(pk=draft.pk).exists()
    with pytest.raises(Response.DoesNotExist):
        services.response_save(actor=world.bob, response_id=draft.pk, answers={})


def _answers(i):
    return {
        "name": f"Person {i}",
        "age": str(30 + i),
        "has_kids": "yes",
        "kids": [{"kname": "K1", "kage": "3"}, {"kname": "K2", "kage": "5"}],
        "needs": "food health",
        "first": "health",
        "seen": "2025-05-0" + str(i + 1),
        "score": "2.5",
    }


def test_round_trip_import_answer_export_reimport(world):
    version = _publish(world)
    for i in range(3):
        draft = services.response_start(actor=world.ada, version_id=version.pk)
        services.response_save(
            actor=world.ada, response_id=draft.pk, answers=_answers(i), submit=True
        )
    exported = selectors.export_csv(user=world.ada, version=version)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert "kids_g/kids" not in rows[0]  # repeats go to their own sheets
    assert {r["name"] for r in rows} == {"Person 0", "Person 1", "Person 2"}
    result = services.responses_import_csv(actor=world.ada, version_id=version.pk, data=exported)
    assert (result.created, result.errors) == (3, [])
    imported = Response.objects.system("t").filter(version=version, source="import")
    web = Response.objects.system("t").filter(version=version, source="web")
    strip = lambda a: {k: v for k, v in a.items() if k not in ("kids",)}  # noqa: E731
    assert sorted(map(lambda r: sorted(strip(r.answers).items()), imported)) == sorted(
        map(lambda r: sorted(strip(r.answers).items()), web)
    )
    # XLSX: one sheet per repeat
    wb = load_workbook(io.BytesIO(selectors.export_xlsx(user=world.ada, version=version)))
    assert wb.sheetnames == ["test_form", "kids"]
    assert wb["kids"].max_row == 1 + 3 * 2


def test_kobo_csv_import_reports_row_errors_and_changes_nothing(world):
    version = _publish(world)
    kobo = (
        b"start,end,name,age,has_kids,needs,needs/food,needs/school,first,seen,_id,_uuid\n"
        b"2025-01-01,2025-01-01,Ana,40,no,food school,1,1,food,2025-01-01,1,u1\n"
        b"2025-01-01,2025-01-01,,200,maybe,,0,0,,2025-01-01,2,u2\n"
    )
    result = services.responses_import_csv(actor=world.ada, version_id=version.pk, data=kobo)
    assert result.created == 0
    assert result.errors == [
        ("file.csv", 3, "name", "This question needs an answer."),
        ("file.csv", 3, "age", "0 to 119"),
        ("file.csv", 3, "has_kids", "Choose one of the options."),
    ]
    assert not Response.objects.system("t").filter(version=version).exists()
    good = kobo.decode().splitlines()[:2]
    result = services.responses_import_csv(
        actor=world.ada, version_id=version.pk, data="\n".join(good).encode()
    )
    assert result.created == 1


def test_interview_needs_consent_and_assent_and_exports_no_identifiers(world):
    version = _publish(world, purpose=FormPurpose.INTERVIEW, form_id="child_interview")
    with pytest.raises(Exception, match="consent"):
        services.response_start(actor=world.rita, version_id=version.pk)
    child = services.InterviewStart(respondent_kind="child", consent_given=True)
    with pytest.raises(Exception, match="assent"):
        services.response_start(actor=world.rita, version_id=version.pk, interview=child)
    child.assent_given = True
    child.consent_by = "mother"
    r = services.response_start(actor=world.rita, version_id=version.pk, interview=child)
    assert r.respondent_code.startswith("R-") and r.consent["assent"] is True
    services.response_save(
        actor=world.rita, response_id=r.pk, answers={"name": "P", "has_kids": "no"}, submit=True
    )
    header = selectors.export_csv(user=world.rita, version=version).decode("utf-8-sig")
    first = header.splitlines()[0]
    assert "_respondent_code" in first and "_submitted_by" not in first
    assert "rita" not in header
    with pytest.raises(PermissionDenied):
        services.response_start(actor=world.alice, version_id=version.pk, interview=child)


def test_city_survey_comparison_ranks_training_needs(cities, city_survey):
    w = cities
    base = {"coordination_body": "no", "guardianship": "no", "refugee_children": "10"}
    for user, city_answers in (
        (
            w.cleo,
            {"city_name": "Almaty", "training_needs": "trauma data", "training_priority": "data"},
        ),
        (
            w.lena,
            {
                "city_name": "Lviv",
                "training_needs": "trauma",
                "gap_sectors": "housing",
                "gap_severity": "4",
            },
        ),
    ):
        draft = services.response_start(actor=user, version_id=city_survey.pk)
        services.response_save(
            actor=user, response_id=draft.pk, answers={**base, **city_answers}, submit=True
        )
    comparison = selectors.city_comparison(user=w.max, lang="uk")
    assert comparison.cities == ["Almaty", "Lviv"]
    assert [(n.name, n.cities, n.top_priority) for n in comparison.needs] == [
        ("trauma", 2, 0),
        ("data", 1, 1),
    ]
    assert comparison.needs[0].label == "Травмоінформована практика"
    with pytest.raises(PermissionDenied):
        selectors.city_comparison(user=w.alice, lang="en")
    # another country's manager sees no Kazakh city
    from tests.conftest import make_user

    uzm = make_user("uzm", "manager", w.uz)
    assert selectors.city_comparison(user=uzm, lang="en").cities == []


def test_city_official_without_city_cannot_start(world, city_survey):
    with pytest.raises(Exception, match="city"):
        services.response_start(actor=world.cleo, version_id=city_survey.pk)
