"""The published JSON Schemas are the ones the code validates with."""

from __future__ import annotations

from pathlib import Path

import jsonschema
from django.utils import translation

from kinlink.exchange import schemas

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exchange" / "schemas"


def test_docs_schemas_are_current():
    with translation.override("en"):
        expected = {f"{name}.json": schemas.dumps(s) for name, s in schemas.all_schemas().items()}
    found = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.json")}
    assert found == expected, "run: python -m kinlink.exchange.schemas docs/exchange/schemas"


def test_schemas_are_valid_draft_2020_12():
    for schema in schemas.all_schemas().values():
        jsonschema.Draft202012Validator.check_schema(schema)
