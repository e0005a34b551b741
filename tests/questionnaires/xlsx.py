"""Build XLSForm workbooks in test code (openpyxl): one fixture per feature and per refusal."""

from __future__ import annotations

import io

from openpyxl import Workbook


def workbook(survey: list[dict], choices: list[dict] | None = None, settings=None) -> bytes:
    """``survey``/``choices``: rows as dicts of column → value (columns are collected)."""
    wb = Workbook()
    _sheet(wb.active, "survey", survey)
    if choices:
        _sheet(wb.create_sheet(), "choices", choices)
    settings = {
        "form_title": "Test form",
        "form_id": "test_form",
        "version": "1",
        **(settings or {}),
    }
    _sheet(wb.create_sheet(), "settings", [settings])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet(ws, title, rows):
    ws.title = title
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c, "") for c in columns])


YN = [
    {"list_name": "yn", "name": "yes", "label": "Yes"},
    {"list_name": "yn", "name": "no", "label": "No"},
]


def q(type_, name, label="", **extra) -> dict:
    return {"type": type_, "name": name, "label": label or name, **extra}
