"""Build the research interview instruments shipped with Kinlink (XLSForm):
stakeholder_interview.xlsx and child_interview.xlsx.

    .venv/bin/python src/kinlink/questionnaires/forms/build_interviews.py

A situation analysis interviews stakeholders and migrant children. Consent (and a child's
assent) is recorded by Kinlink before the first question, and respondents get pseudonymous
codes: these instruments never ask for a name, an address or a document number. Languages:
English, Russian, Ukrainian. Commit the script and the workbooks together.
"""

from __future__ import annotations

import io
from pathlib import Path

from kinlink.questionnaires.forms.build_city_survey import _stable as stable

HERE = Path(__file__).parent
LANGS = ["English (en)", "Русский (ru)", "Українська (uk)"]


def T(en, ru, uk):  # noqa: N802
    return [en, ru, uk]


YN = [("yes", T("Yes", "Да", "Так")), ("no", T("No", "Нет", "Ні"))]

STAKEHOLDER = {
    "form_id": "kinlink_stakeholder_interview",
    "title": "Stakeholder interview",
    "choices": {
        "yn": YN,
        "sector": [
            ("government", T("Government", "Государственный орган", "Державний орган")),
            ("ngo", T("NGO", "НКО", "НУО")),
            ("un", T("UN agency", "Агентство ООН", "Агенція ООН")),
            ("police", T("Police", "Полиция", "Поліція")),
            ("school", T("School", "Школа", "Школа")),
            ("health", T("Health service", "Служба здравоохранения", "Служба охорони здоров'я")),
        ],
        "scale": [
            ("1", T("1 — very poor", "1 — очень плохо", "1 — дуже погано")),
            ("2", T("2", "2", "2")),
            ("3", T("3", "3", "3")),
            ("4", T("4", "4", "4")),
            ("5", T("5 — very good", "5 — очень хорошо", "5 — дуже добре")),
        ],
    },
    "survey": [
        (
            "note",
            "form_title",
            T(
                "Stakeholder interview",
                "Интервью с заинтересованной стороной",
                "Інтерв'ю із зацікавленою стороною",
            ),
            {},
        ),
        ("select_one sector", "sector", T("Sector", "Сектор", "Сектор"), {"required": "yes"}),
        (
            "integer",
            "years_in_role",
            T("Years in this role", "Лет в этой должности", "Років на цій посаді"),
            {"constraint": ". >= 0 and . < 60"},
        ),
        (
            "select_one scale",
            "coordination",
            T(
                "How well do services coordinate for migrant children?",
                "Насколько хорошо службы координируют работу с детьми-мигрантами?",
                "Наскільки добре служби координують роботу з дітьми-мігрантами?",
            ),
            {"required": "yes"},
        ),
        (
            "select_one yn",
            "uasc_seen",
            T(
                "Have you worked with unaccompanied children in the last year?",
                "Работали ли вы с несопровождаемыми детьми за последний год?",
                "Чи працювали ви з дітьми без супроводу за останній рік?",
            ),
            {},
        ),
        (
            "integer",
            "uasc_count",
            T("About how many?", "Примерно сколько?", "Приблизно скільки?"),
            {"relevant": "${uasc_seen} = 'yes'", "constraint": ". >= 0"},
        ),
        (
            "text",
            "main_gaps",
            T(
                "The main gaps you see",
                "Основные пробелы, которые вы видите",
                "Основні прогалини, які ви бачите",
            ),
            {"appearance": "multiline"},
        ),
        (
            "text",
            "good_practice",
            T(
                "A practice that works well",
                "Практика, которая хорошо работает",
                "Практика, яка добре працює",
            ),
            {"appearance": "multiline"},
        ),
    ],
}

CHILD = {
    "form_id": "kinlink_child_interview",
    "title": "Child interview",
    "choices": {
        "yn": YN,
        "age_band": [
            ("10_14", T("10–14", "10–14", "10–14")),
            ("15_17", T("15–17", "15–17", "15–17")),
        ],
        "with_whom": [
            ("parents", T("Parents", "Родители", "Батьки")),
            ("relatives", T("Relatives", "Родственники", "Родичі")),
            ("alone", T("Alone", "Один/одна", "Сам/сама")),
            ("others", T("Other people", "Другие люди", "Інші люди")),
        ],
        "help": [
            ("school", T("School", "Школа", "Школа")),
            ("health", T("Doctor or nurse", "Врач или медсестра", "Лікар або медсестра")),
            ("social", T("Social worker", "Социальный работник", "Соціальний працівник")),
            ("friends", T("Friends", "Друзья", "Друзі")),
            ("none", T("No one", "Никто", "Ніхто")),
        ],
    },
    "survey": [
        (
            "select_one age_band",
            "age_band",
            T("Age group", "Возрастная группа", "Вікова група"),
            {"required": "yes"},
        ),
        (
            "select_one with_whom",
            "travelled_with",
            T("Who did you travel with?", "С кем ты ехал(а)?", "З ким ти їхав(ла)?"),
            {},
        ),
        (
            "select_one yn",
            "in_school",
            T("Do you go to school here?", "Ты ходишь здесь в школу?", "Ти ходиш тут до школи?"),
            {},
        ),
        (
            "text",
            "why_not_school",
            T(
                "What makes it hard to go to school?",
                "Что мешает ходить в школу?",
                "Що заважає ходити до школи?",
            ),
            {"relevant": "${in_school} = 'no'"},
        ),
        (
            "select_multiple help",
            "who_helps",
            T(
                "Who helps you when you need it?",
                "Кто помогает тебе, когда нужно?",
                "Хто допомагає тобі, коли потрібно?",
            ),
            {"constraint": "not(selected(., 'none') and count-selected(.) > 1)"},
        ),
        (
            "select_one yn",
            "feels_safe",
            T(
                "Do you feel safe where you live?",
                "Ты чувствуешь себя в безопасности там, где живёшь?",
                "Чи почуваєшся ти в безпеці там, де живеш?",
            ),
            {},
        ),
        (
            "note",
            "support_note",
            T(
                "Thank you. If you want to talk to someone, tell the interviewer.",
                "Спасибо. Если хочешь с кем-то поговорить, скажи интервьюеру.",
                "Дякуємо. Якщо хочеш з кимось поговорити, скажи інтерв'юеру.",
            ),
            {"relevant": "${feels_safe} = 'no'"},
        ),
    ],
}

EXTRA = ["required", "relevant", "constraint", "appearance"]


def build(spec: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", *[f"label::{lang}" for lang in LANGS], *EXTRA])
    for kind, name, label, extra in spec["survey"]:
        ws.append([kind, name, *label, *[extra.get(k, "") for k in EXTRA]])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", *[f"label::{lang}" for lang in LANGS]])
    for list_name, options in spec["choices"].items():
        for name, labels in options:
            choices.append([list_name, name, *labels])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([spec["title"], spec["form_id"], "2026.1", LANGS[0]])
    buf = io.BytesIO()
    wb.save(buf)
    return stable(buf.getvalue())


OUTPUTS = {"stakeholder_interview.xlsx": STAKEHOLDER, "child_interview.xlsx": CHILD}

if __name__ == "__main__":
    for filename, spec in OUTPUTS.items():
        (HERE / filename).write_bytes(build(spec))
        print(f"wrote {HERE / filename}")
