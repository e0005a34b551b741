"""Reading an XLSForm (.xlsx) through pyxform into Kinlink's form definition, and refusing what
the engine does not support, with a list of what and where.

The definition is plain JSON (stored on the FormVersion):

    {"form_id", "version", "title": {lang: text}, "languages": [codes], "default_language",
     "children": [node, ...]}

A node: ``name``, ``type`` (text, integer, decimal, date, select_one, select_multiple, note,
calculate, group, repeat), ``label``/``hint``/``constraint_msg``/``required_msg`` as
{language code: text}, ``required`` (bool), ``relevant``/``constraint``/``calculation``/
``choice_filter`` (expressions), ``default``, ``appearance``, ``choices`` ([{"name", "label",
"columns"}]) and ``children`` for groups and repeats. No Django import.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from . import xpath

TYPES = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "note": "note",
    "calculate": "calculate",
    "group": "group",
    "repeat": "repeat",
}
# metadata the server fills itself (submission time, the user)
METADATA = {"start": "start", "end": "end", "today": "today", "username": "username"}
BIND_KEYS = {
    "required",
    "relevant",
    "constraint",
    "jr:constraintMsg",
    "calculate",
    "jr:requiredMsg",
}
NODE_KEYS = {
    "type",
    "name",
    "label",
    "hint",
    "bind",
    "default",
    "control",
    "children",
    "choices",
    "itemset",
    "list_name",
    "parameters",
    "choice_filter",
}
LANG_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\)\s*$")
DEFAULT = "default"


@dataclass
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


class FormRefused(ValueError):
    """The workbook cannot be used; ``problems`` lists what and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def language_code(key: str, fallback: str = "en") -> str:
    """'Русский (ru)' → 'ru'; 'default' → the fallback."""
    if key == DEFAULT:
        return fallback
    m = LANG_CODE.search(key)
    if m:
        return m.group(1).lower().replace("_", "-")
    return key.strip().lower()[:10] or fallback


def _survey_rows(data: bytes) -> dict[str, int]:
    """Name → row number in the survey sheet (for messages)."""
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True)
        sheet = next((s for s in wb.worksheets if s.title.strip().lower() == "survey"), None)
        if sheet is None:
            return {}
        rows = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip().lower() for c in next(rows, [])]
        if "name" not in header:
            return {}
        idx = header.index("name")
        out = {}
        for n, row in enumerate(rows, start=2):
            if idx < len(row) and row[idx]:
                out.setdefault(str(row[idx]).strip(), n)
        return out
    except Exception:  # noqa: BLE001 — row numbers are a courtesy; pyxform reports bad files
        return {}


class _Converter:
    def __init__(self, rows: dict[str, int], fallback_lang: str):
        self.rows = rows
        self.problems: list[Problem] = []
        self.fallback = fallback_lang
        self.languages: set[str] = set()
        # name → the repeats it sits in, outermost first (() at the top level)
        self.names: dict[str, tuple[str, ...]] = {}
        # where, column, text, scope (repeats around the question), bare names allowed
        self.exprs: list[tuple[str, str, str, tuple[str, ...], bool]] = []

    def where(self, name: str) -> str:
        row = self.rows.get(name)
        return f"survey row {row} ({name})" if row else f"({name})"

    def refuse(self, name: str, what: str) -> None:
        self.problems.append(Problem(self.where(name), what))

    def langs(self, value) -> dict[str, str]:
        if value is None or value == "":
            return {}
        if isinstance(value, str):
            self.languages.add(self.fallback)
            return {self.fallback: value}
        out = {}
        for key, text in value.items():
            code = language_code(key, self.fallback)
            self.languages.add(code)
            out[code] = str(text)
        return out

    def node(self, raw: dict, repeat: tuple[str, ...] = ()) -> dict | None:
        name = raw.get("name", "")
        kind = raw.get("type", "")
        if name == "meta" and kind == "group" and raw.get("control", {}).get("bodyless"):
            return None  # pyxform's own instanceID
        if kind in METADATA:
            node = {"name": name, "type": "metadata", "metadata": METADATA[kind]}
            self.register(name, repeat)
            return node
        if kind not in TYPES:
            self.refuse(name, f"question type '{kind}' is not supported")
            return None
        for key in sorted(set(raw) - NODE_KEYS):
            self.refuse(name, f"column '{key}' is not supported")
        bind = raw.get("bind", {}) or {}
        for key in sorted(set(bind) - BIND_KEYS):
            self.refuse(name, f"setting '{key}' is not supported")
        if raw.get("parameters"):
            self.refuse(name, "parameters are not supported")
        control = raw.get("control", {}) or {}
        for key in sorted(set(control) - {"appearance"}):
            self.refuse(name, f"setting '{key}' is not supported")
        kind = TYPES[kind]
        node: dict = {"name": name, "type": kind}
        self.register(name, repeat)
        node["label"] = self.langs(raw.get("label"))
        if raw.get("hint"):
            node["hint"] = self.langs(raw.get("hint"))
        req = str(bind.get("required", "")).strip().lower()
        if req in ("yes", "true", "true()", "1"):
            node["required"] = True
        elif req not in ("", "no", "false", "false()", "0"):
            self.refuse(name, f"required must be yes or no, not an expression ('{req}')")
        if bind.get("jr:requiredMsg"):
            node["required_msg"] = self.langs(bind["jr:requiredMsg"])
        scope = repeat
        for column, key in (
            ("relevant", "relevant"),
            ("constraint", "constraint"),
            ("calculate", "calculation"),
        ):
            if bind.get(column):
                node[key] = str(bind[column])
                self.exprs.append((name, column, node[key], scope, False))
        if bind.get("jr:constraintMsg"):
            node["constraint_msg"] = self.langs(bind["jr:constraintMsg"])
        if raw.get("default") not in (None, ""):
            node["default"] = str(raw["default"])
            if "${" in node["default"]:
                self.refuse(name, "a default must be a fixed value, not an expression")
        if control.get("appearance"):
            node["appearance"] = str(control["appearance"])
        if kind in ("select_one", "select_multiple"):
            choices = []
            for choice in raw.get("choices") or []:
                choices.append(
                    {
                        "name": str(choice.get("name", "")),
                        "label": self.langs(choice.get("label")),
                        "columns": {
                            k: str(v)
                            for k, v in choice.items()
                            if k not in ("name", "label") and not isinstance(v, dict)
                        },
                    }
                )
            if not choices:
                self.refuse(name, f"choice list '{raw.get('itemset', '')}' is missing or empty")
            node["choices"] = choices
            node["list_name"] = raw.get("list_name") or raw.get("itemset", "")
            if raw.get("choice_filter"):
                node["choice_filter"] = str(raw["choice_filter"])
                self.exprs.append((name, "choice_filter", node["choice_filter"], scope, True))
        if kind in ("group", "repeat"):
            inner_repeat = (*repeat, name) if kind == "repeat" else repeat
            node["children"] = [
                c
                for c in (self.node(child, inner_repeat) for child in raw.get("children", []))
                if c
            ]
        return node

    def register(self, name: str, repeat: tuple[str, ...]) -> None:
        if name in self.names:
            self.refuse(name, "the name is used twice (names must be unique in the form)")
        self.names[name] = repeat

    def check_expressions(self, kinds: dict[str, str]) -> None:
        for name, column, text, scope, allow_names in self.exprs:
            try:
                tree = xpath.parse(text, allow_names=allow_names)
            except xpath.ExprError as exc:
                self.refuse(name, f"{column} '{text}': {exc}")
                continue
            plain = xpath.plain_references(tree)
            for ref in sorted(xpath.references(tree)):
                if ref not in self.names:
                    self.refuse(name, f"{column} '{text}': no field named ${{{ref}}}")
                    continue
                if kinds.get(ref) in ("group", "note") or (
                    ref in plain and kinds.get(ref) == "repeat"
                ):
                    self.refuse(name, f"{column} '{text}': ${{{ref}}} has no value")
                    continue
                around = self.names[ref]
                if ref in plain and scope[: len(around)] != around:
                    # one value of a question in a repeat: only from inside that instance
                    self.refuse(
                        name,
                        f"{column} '{text}': ${{{ref}}} is inside repeat "
                        f"'{around[-1]}' and cannot be used outside it (count() and sum() "
                        "can use every instance)",
                    )
            if xpath.uses_position(tree) and not scope:
                self.refuse(name, f"{column} '{text}': position(..) is only used inside a repeat")
            for pattern in xpath.literal_regexes(tree):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.refuse(name, f"{column}: regular expression '{pattern}': {exc}")


def _kinds(children: list[dict], out: dict[str, str]) -> dict[str, str]:
    for node in children:
        out[node["name"]] = node["type"]
        _kinds(node.get("children", []), out)
    return out


def read_xlsform(data: bytes) -> dict:
    """Convert an .xlsx workbook into a definition, or raise FormRefused listing every problem."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    if not data[:4] == b"PK\x03\x04":
        raise FormRefused([Problem("", "the file is not an .xlsx workbook")])
    warnings: list[str] = []
    try:
        result = convert(xlsform=data, file_type=".xlsx", warnings=warnings)
    except PyXFormError as exc:
        raise FormRefused([Problem("pyxform", str(exc))]) from exc
    except Exception as exc:  # noqa: BLE001 — a corrupt workbook surfaces in many ways
        raise FormRefused([Problem("", f"the workbook cannot be read ({exc})")]) from exc
    raw = result._pyxform or {}
    if raw.get("choices") is None and "external_choices" in str(raw):
        raise FormRefused([Problem("", "external choices are not supported")])
    default_key = raw.get("default_language") or DEFAULT
    fallback = language_code(default_key, "en") if default_key != DEFAULT else "en"
    conv = _Converter(_survey_rows(data), fallback)
    children = [c for c in (conv.node(n) for n in raw.get("children", [])) if c]
    conv.check_expressions(_kinds(children, {}))
    if result.itemsets:
        conv.problems.append(Problem("", "external choices (select_one_from_file) unsupported"))
    if conv.problems:
        raise FormRefused(conv.problems)
    title = raw.get("title") or raw.get("id_string") or "form"
    return {
        "form_id": str(raw.get("id_string") or raw.get("name") or "form"),
        "version": str(raw.get("version") or ""),
        "title": {fallback: str(title)} if isinstance(title, str) else conv.langs(title),
        "languages": sorted(conv.languages or {fallback}),
        "default_language": fallback,
        "children": children,
    }


def walk(children: list[dict], repeat: str | None = None):
    """Every node in document order, with the innermost repeat it sits in (or None)."""
    for node in children:
        yield node, repeat
        if node["type"] in ("group", "repeat"):
            yield from walk(node["children"], node["name"] if node["type"] == "repeat" else repeat)


def level(children: list[dict]):
    """The nodes of one level: into groups, not into repeats (a repeat node itself is given)."""
    for node in children:
        yield node
        if node["type"] == "group":
            yield from level(node["children"])


def questions(definition: dict) -> list[dict]:
    """The nodes that carry a value (in document order), repeats excluded from the top level."""
    return [
        n for n, _r in walk(definition["children"]) if n["type"] not in ("group", "repeat", "note")
    ]
