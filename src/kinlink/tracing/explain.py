"""A potential match explained field by field, in words a caseworker understands.

The engine stores ``[{"field", "level"}]`` (level names from ``kinlink.matching.compare``);
this module turns each into a translatable label, a sentence and a verdict for the badge
colour. No raw names are involved: the explanation can be shown before disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FIELD_LABELS = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "middle_name": _("Patronymic or middle name"),
    "date_of_birth": _("Date of birth or age"),
    "sex": _("Sex"),
    "place_of_origin": _("Place of origin"),
    "mother_name": _("Mother's name"),
    "father_name": _("Father's name"),
    "document_number": _("Document number"),
}

MISSING = pgettext_lazy("match explanation", "not known on one side")

NAME_TEXT = {
    "missing": MISSING,
    "exact": pgettext_lazy("match explanation", "same"),
    "translit": pgettext_lazy("match explanation", "same after transliteration"),
    "variant": pgettext_lazy("match explanation", "a known variant of the same name"),
    "phonetic": pgettext_lazy("match explanation", "sounds the same"),
    "skeleton": pgettext_lazy("match explanation", "same consonants"),
    "root": pgettext_lazy("match explanation", "same root, different ending"),
    "fuzzy_high": pgettext_lazy("match explanation", "very similar spelling"),
    "fuzzy_low": pgettext_lazy("match explanation", "similar spelling"),
    "different": pgettext_lazy("match explanation", "different"),
}

DOB_TEXT = {
    "missing": MISSING,
    "exact": pgettext_lazy("match explanation", "same date"),
    "transposed": pgettext_lazy("match explanation", "same date with day and month swapped"),
    "consistent": pgettext_lazy("match explanation", "consistent with the age given"),
    "within_1": pgettext_lazy("match explanation", "within 1 year"),
    "within_2": pgettext_lazy("match explanation", "within 2 years"),
    "within_3": pgettext_lazy("match explanation", "within 3 years"),
    "different": pgettext_lazy("match explanation", "too far apart"),
}
ESTIMATED = pgettext_lazy("match explanation", "(age was estimated)")

SEX_TEXT = {
    "missing": MISSING,
    "agree": pgettext_lazy("match explanation", "same"),
    "different": pgettext_lazy("match explanation", "different"),
}

PLACE_TEXT = {
    "missing": MISSING,
    "same": pgettext_lazy("match explanation", "same place"),
    "partial": pgettext_lazy("match explanation", "partly the same"),
    "different": pgettext_lazy("match explanation", "different"),
}

PARENT_TEXT = {
    "missing": MISSING,
    "same": pgettext_lazy("match explanation", "same"),
    "partial": pgettext_lazy("match explanation", "partly the same"),
    "similar": pgettext_lazy("match explanation", "similar"),
    "different": pgettext_lazy("match explanation", "different"),
}

DOC_TEXT = {
    "missing": MISSING,
    "same": pgettext_lazy("match explanation", "same"),
    "one_edit": pgettext_lazy("match explanation", "one character apart"),
    "different": pgettext_lazy("match explanation", "different"),
}

TEXTS = {
    "given_name": NAME_TEXT,
    "family_name": NAME_TEXT,
    "middle_name": NAME_TEXT,
    "date_of_birth": DOB_TEXT,
    "sex": SEX_TEXT,
    "place_of_origin": PLACE_TEXT,
    "mother_name": PARENT_TEXT,
    "father_name": PARENT_TEXT,
    "document_number": DOC_TEXT,
}

# How each level counts for the caseworker: agrees, partly agrees, disagrees, or unknown.
AGREE, PARTLY, DISAGREE, UNKNOWN = "agree", "partly", "disagree", "unknown"
_VERDICT = {
    "missing": UNKNOWN,
    "exact": AGREE,
    "translit": AGREE,
    "variant": AGREE,
    "phonetic": AGREE,
    "agree": AGREE,
    "same": AGREE,
    "transposed": PARTLY,
    "consistent": AGREE,
    "skeleton": PARTLY,
    "root": PARTLY,
    "fuzzy_high": PARTLY,
    "fuzzy_low": PARTLY,
    "partial": PARTLY,
    "similar": PARTLY,
    "within_1": PARTLY,
    "within_2": PARTLY,
    "within_3": PARTLY,
    "one_edit": PARTLY,
    "different": DISAGREE,
}
VERDICT_LABELS = {
    AGREE: _("agrees"),
    PARTLY: _("partly agrees"),
    DISAGREE: _("disagrees"),
    UNKNOWN: _("unknown"),
}


@dataclass(frozen=True)
class ExplainedField:
    field: str
    label: str
    level: str
    text: str
    verdict: str

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


def explain_field(field: str, level: str, *, age_estimated: bool = False) -> ExplainedField:
    """One field of a match in words, e.g. date of birth: "within 2 years (age was estimated)"."""
    label = FIELD_LABELS.get(field, field.replace("_", " "))
    texts = TEXTS.get(field, {})
    text = str(texts.get(level, level.replace("_", " ")))
    if (
        field == "date_of_birth"
        and age_estimated
        and level not in ("missing", "exact", "consistent")
    ):
        text = f"{text} {ESTIMATED}"
    return ExplainedField(field, str(label), level, text, _VERDICT.get(level, UNKNOWN))


def sibling_signature(rows: list[ExplainedField]) -> bool:
    """The given name is plainly another child's while a parent's name is the same: the
    model lowers such a candidate (matching.model.SIBLING_PENALTY) and the page says why."""
    levels = {r.field: r.level for r in rows}
    return levels.get("given_name") == "different" and "same" in (
        levels.get("mother_name"),
        levels.get("father_name"),
    )


def explain_match(explanation: list[dict], *, age_estimated: bool = False) -> list[ExplainedField]:
    """The stored explanation of a potential match as rows for the page (in engine order)."""
    return [
        explain_field(
            row.get("field", ""), row.get("level", "missing"), age_estimated=age_estimated
        )
        for row in explanation or []
        if row.get("field") and (row.get("field"), row.get("level")) not in _SILENT
    ]


# Fields most records do not have: a row only when both sides give one.
_SILENT = {("document_number", "missing")}
