"""JSON Schemas (draft 2020-12) of the envelope and of every message type.

Generated from ``profiles`` so the code and the published documents cannot drift:
``python -m kinlink.exchange.schemas docs/exchange/schemas`` rewrites the files, and
tests/exchange/test_schemas.py checks the committed copies.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

from .profiles import LEGAL_BASES, PROTOCOL_VERSION, REQUEST_TYPES, TYPES, FieldSpec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://kinlink.org/schemas/exchange/1.0/"
NODE_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9.-]{1,62}$"}
UUID = {
    "type": "string",
    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}


def field_schema(spec: FieldSpec) -> dict:
    kind = spec.kind
    if kind == "short":
        return {"type": "string", "maxLength": 200}
    if kind == "text":
        return {"type": "string", "maxLength": 4000}
    if kind == "date":
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if kind == "int":
        return {"type": "integer", "minimum": 0, "maximum": 150}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "sex":
        return {"enum": ["female", "male", "other", "unknown"]}
    if kind == "countries":
        return {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "maxItems": 5,
        }
    if kind.startswith("enum:"):
        return {"enum": kind[5:].split("|")}
    raise ValueError(f"unknown field kind {kind}")


def _fields_object(specs) -> dict:
    return {
        "type": "object",
        "properties": {s.name: {**field_schema(s), "title": str(s.label)} for s in specs},
        "required": [s.name for s in specs if s.required],
        "additionalProperties": False,
    }


def body_schema(code: str) -> dict:
    mt = TYPES[code]
    props: dict = {"ref": {**UUID, "description": "pseudonymous exchange reference"}}
    required = ["ref", "fields"]
    if mt.request:
        props.update(
            purpose={"type": "string", "minLength": 1, "maxLength": 200},
            legal_basis={"enum": list(LEGAL_BASES)},
            retention_days={"type": "integer", "minimum": 1, "maximum": 3650},
            urgent={"type": "boolean"},
        )
        required += ["purpose", "legal_basis", "retention_days", "urgent"]
    if code == "correction":
        every = {s.name: s for t in REQUEST_TYPES for s in t.fields}
        fields = _fields_object(list(every.values()))
        props["corrected"] = {**fields, "required": [], "minProperties": 1}
        required.append("corrected")
    props["fields"] = _fields_object(mt.fields)
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}{code}.json",
        "title": str(mt.label),
        "description": (mt.article + ". " if mt.article else "")
        + ("Opens a cross-border request." if mt.request else "Refers to a request by ref."),
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def envelope_schema() -> dict:
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}envelope.json",
        "title": "Kinlink exchange envelope (the JWS payload)",
        "type": "object",
        "properties": {
            "kl": {"const": PROTOCOL_VERSION, "description": "schema version"},
            "id": {**UUID, "description": "message id, unique per sender"},
            "type": {"enum": sorted(TYPES)},
            "from": {**NODE_ID, "description": "sender node id"},
            "to": {**NODE_ID, "description": "recipient node id"},
            "iat": {"type": "integer", "minimum": 0, "description": "issued at, Unix seconds"},
            "idem": {
                "type": "string",
                "minLength": 1,
                "maxLength": 100,
                "description": "idempotency key: the same business action keeps the same key",
            },
            "body": {"type": "object", "description": "validated against <type>.json"},
        },
        "required": ["kl", "id", "type", "from", "to", "iat", "idem", "body"],
        "additionalProperties": False,
    }


def receipt_schema() -> dict:
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}receipt.json",
        "title": "Signed delivery receipt (a JWS payload returned by the inbox)",
        "type": "object",
        "properties": {
            "kl": {"const": PROTOCOL_VERSION},
            "receipt_for": UUID,
            "from": NODE_ID,
            "to": NODE_ID,
            "iat": {"type": "integer", "minimum": 0},
            "status": {"enum": ["received", "duplicate"]},
        },
        "required": ["kl", "receipt_for", "from", "to", "iat", "status"],
        "additionalProperties": False,
    }


@lru_cache(maxsize=1)
def all_schemas() -> dict[str, dict]:
    out = {"envelope": envelope_schema(), "receipt": receipt_schema()}
    for code in TYPES:
        out[code] = body_schema(code)
    return out


def dumps(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = directory / f"{name}.json"
        path.write_text(dumps(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    import django

    django.setup()
    for p in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/exchange/schemas")):
        print(p)
