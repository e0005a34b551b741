"""XLSForm import through pyxform: one fixture per supported feature, one per refusal."""

from __future__ import annotations

import pytest

from kinlink.questionnaires.engine import FormEngine
from kinlink.questionnaires.xlsform import FormRefused, read_xlsform

from .xlsx import YN, q, workbook


def read(survey, choices=None, settings=None):
    return read_xlsform(workbook(survey, choices, settings))


def node(defn, name):
    from kinlink.questionnaires.xlsform import walk

    return next(n for n, _r in walk(defn["children"]) if n["name"] == name)


@pytest.mark.parametrize("kind", ["text", "integer", "decimal", "date"])
def test_simple_types(kind):
    defn = read([q(kind, "x")])
    assert node(defn, "x")["type"] == kind


def test_select_one_and_multiple_with_choice_lists():
    choices = YN + [
        {"list_name": "needs", "name": "a", "label": "A"},
        {"list_name": "needs", "name": "b", "label": "B"},
    ]
    defn = read([q("select_one yn", "has"), q("select_multiple needs", "needs")], choices)
    assert node(defn, "has")["type"] == "select_one"
    assert [c["name"] for c in node(defn, "needs")["choices"]] == ["a", "b"]


def test_choice_filter():
    choices = [
        {"list_name": "region", "name": "n", "label": "North"},
        {"list_name": "region", "name": "s", "label": "South"},
        {"list_name": "city", "name": "x", "label": "X", "region": "n"},
        {"list_name": "city", "name": "y", "label": "Y", "region": "s"},
    ]
    defn = read(
        [q("select_one region", "r"), q("select_one city", "c", choice_filter="region=${r}")],
        choices,
    )
    engine = FormEngine(defn)
    ev = engine.evaluate({"r": "s"})
    assert [c["name"] for c in ev.choices["c"]] == ["y"]


def test_note_calculate_required_default_constraint_hint():
    defn = read(
        [
            q(
                "integer",
                "age",
                required="yes",
                default="5",
                hint="Years",
                constraint=". >= 0 and . < 18",
                constraint_message="Under 18",
            ),
            {"type": "calculate", "name": "double", "calculation": "${age} * 2"},
            q("note", "n", label="Double: ${double}"),
        ]
    )
    age = node(defn, "age")
    assert age["required"] and age["default"] == "5" and age["hint"] == {"en": "Years"}
    assert age["constraint_msg"] == {"en": "Under 18"}
    assert node(defn, "double")["calculation"] == "${age} * 2"
    assert node(defn, "n")["type"] == "note"


def test_groups_repeats_and_relevant():
    defn = read(
        [
            q("select_one yn", "has_kids"),
            {"type": "begin group", "name": "g", "label": "G", "relevant": "${has_kids} = 'yes'"},
            {"type": "begin repeat", "name": "kids", "label": "Kids"},
            q("text", "kname"),
            q("integer", "kage", relevant="${kname} != ''"),
            {"type": "end repeat"},
            {"type": "end group"},
        ],
        YN,
    )
    assert node(defn, "g")["type"] == "group"
    assert node(defn, "kids")["type"] == "repeat"
    assert node(defn, "g")["relevant"] == "${has_kids} = 'yes'"


def test_labels_in_several_languages():
    survey = [
        {
            "type": "text",
            "name": "city",
            "label::English (en)": "City",
            "label::Русский (ru)": "Город",
            "label::العربية (ar)": "المدينة",
        }
    ]
    defn = read(survey, settings={"default_language": "English (en)"})
    assert node(defn, "city")["label"] == {"en": "City", "ru": "Город", "ar": "المدينة"}
    assert defn["languages"] == ["ar", "en", "ru"]
    assert defn["default_language"] == "en"


def test_metadata_is_filled_by_the_server():
    defn = read([{"type": "start", "name": "start"}, q("text", "x")])
    assert node(defn, "start")["type"] == "metadata"


# ----------------------------------------------------------------------- refusals


def refused(survey, choices=None) -> list[str]:
    with pytest.raises(FormRefused) as err:
        read(survey, choices)
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize(
    "kind,shown",
    [("geopoint", "geopoint"), ("image", "photo"), ("audio", "audio"), ("barcode", "barcode")],
)
def test_unsupported_types_are_refused_with_row(kind, shown):
    problems = refused([q("text", "ok"), q(kind, "bad")])
    assert problems == [f"survey row 3 (bad): question type '{shown}' is not supported"]


def test_unsupported_function_is_refused_with_where():
    problems = refused(
        [q("integer", "a"), q("text", "b", relevant="pulldata('x', 'y', 'z', ${a})")]
    )
    assert len(problems) == 1
    assert problems[0].startswith("survey row 3 (b): relevant")
    assert "pulldata() is not supported" in problems[0]


def test_every_problem_is_listed():
    problems = refused(
        [
            q("integer", "a", constraint="/data/a > 1"),
            q("text", "b", relevant="${a} > 1 | 2"),
            {"type": "calculate", "name": "c", "calculation": "max(${a})"},
            q("geopoint", "d"),
        ]
    )
    assert len(problems) == 4
    assert any(p.startswith("survey row 3 (b): relevant") for p in problems)


def test_repeat_count_in_a_nested_repeat_is_still_refused():
    problems = refused(
        [
            {"type": "begin repeat", "name": "r1", "label": "R1"},
            {"type": "begin repeat", "name": "r2", "label": "R2", "repeat_count": "2"},
            q("text", "x"),
            {"type": "end repeat"},
            {"type": "end repeat"},
        ]
    )
    assert problems


def test_reference_into_a_repeat_from_outside_is_refused():
    problems = refused(
        [
            {"type": "begin repeat", "name": "r", "label": "R"},
            q("text", "x"),
            {"type": "end repeat"},
            q("text", "y", relevant="${x} = 'a'"),
        ]
    )
    assert any("inside repeat 'r'" in p for p in problems)


def test_required_expression_and_parameters_are_refused():
    problems = refused([q("text", "a", required="${b} = 'x'"), q("text", "b")])
    assert any("required must be yes or no" in p for p in problems)


def test_bad_regex_is_refused():
    problems = refused([q("text", "a", constraint="regex(., '[a-')")])
    assert any("regular expression" in p for p in problems)


def test_or_other_and_unknown_columns_are_refused():
    problems = refused([q("select_one yn or_other", "a")], YN)
    assert problems


def test_not_a_workbook_is_refused():
    with pytest.raises(FormRefused):
        read_xlsform(b"not a workbook")


def test_pyxform_errors_are_reported():
    with pytest.raises(FormRefused) as err:
        read([{"type": "begin group", "name": "g", "label": "G"}, q("text", "x")])
    assert "pyxform" in str(err.value)


def test_shipped_city_survey_reads_in_five_languages():
    from .conftest import CITY_SURVEY

    defn = read_xlsform(CITY_SURVEY.read_bytes())
    assert defn["languages"] == ["ar", "en", "fr", "ru", "uk"]
    for name in ("training_needs", "training_priority", "guardianship", "gap_severity"):
        assert node(defn, name)
    for n, _r in __import__("kinlink.questionnaires.xlsform", fromlist=["walk"]).walk(
        defn["children"]
    ):
        if n.get("label"):
            assert set(n["label"]) == {"ar", "en", "fr", "ru", "uk"}, n["name"]


def test_city_survey_build_is_reproducible():
    from kinlink.questionnaires.forms.build_city_survey import build

    from .conftest import CITY_SURVEY

    assert build() == CITY_SURVEY.read_bytes()
