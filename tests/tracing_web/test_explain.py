"""The field-by-field explanation in words, translatable, for every level the engine emits."""

from django.utils import translation

from kinlink.matching.compare import FIELDS, LEVELS
from kinlink.tracing.explain import FIELD_LABELS, explain_field, explain_match


def test_every_field_and_level_has_words():
    assert set(FIELD_LABELS) == set(FIELDS)
    for field in FIELDS:
        for level in LEVELS[field]:
            row = explain_field(field, level)
            assert row.text and "_" not in row.text, (field, level)
            assert row.verdict in ("agree", "partly", "disagree", "unknown")


def test_examples_read_like_a_caseworker_would_say_them():
    with translation.override("en"):  # whatever language an earlier test left active
        assert explain_field("family_name", "translit").text == "same after transliteration"
        dob = explain_field("date_of_birth", "within_2", age_estimated=True)
        assert dob.label == "Date of birth or age"
        assert dob.text == "within 2 years (age was estimated)"
        assert explain_field("date_of_birth", "within_2").text == "within 2 years"
    assert explain_field("sex", "missing").verdict == "unknown"
    assert explain_field("mother_name", "different").verdict == "disagree"


def test_rows_keep_the_engine_order_and_skip_junk():
    rows = explain_match(
        [
            {"field": "given_name", "level": "phonetic"},
            {"field": "", "level": "x"},
            {"field": "sex", "level": "agree"},
        ]
    )
    assert [r.field for r in rows] == ["given_name", "sex"]


def test_labels_go_through_gettext():
    with translation.override("ru"):
        row = explain_field("family_name", "exact")
    assert isinstance(row.label, str) and isinstance(row.text, str)


def test_document_number_row_only_when_both_sides_have_one():
    rows = explain_match(
        [
            {"field": "given_name", "level": "exact"},
            {"field": "document_number", "level": "missing"},
        ]
    )
    assert [r.field for r in rows] == ["given_name"]
    rows = explain_match([{"field": "document_number", "level": "one_edit"}])
    assert [(r.field, r.verdict) for r in rows] == [("document_number", "partly")]
