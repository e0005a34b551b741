"""Turning a form definition plus answers into what the templates draw (in the reader's
language), splitting large forms into pages by group, and reading posted answers back."""

from __future__ import annotations

import re

from .engine import VALUE_TYPES, Evaluation, FormEngine, pick
from .xlsform import walk

PAGE_MIN_QUESTIONS = 12  # forms with fewer questions stay on one page
_REF = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")


TITLE_NOTE = "form_title"


def form_title(definition: dict, lang: str) -> str:
    """The form's title in the reader's language. XLSForm's ``form_title`` setting has one
    language; a top-level note named ``form_title`` (Kinlink's convention) gives it in each."""
    default = definition.get("default_language", "en")
    for node in definition["children"]:
        if node["name"] == TITLE_NOTE and node["type"] == "note":
            text = pick(node.get("label"), lang, default)
            if text:
                return text
    return pick(definition.get("title"), lang, default)


def pages_of(definition: dict) -> list[list[dict]]:
    """Top-level groups become pages when the form is large; loose questions between groups
    share a page."""
    children = [n for n in definition["children"] if n["name"] != TITLE_NOTE]
    count = sum(1 for n, _r in walk(children) if n["type"] in VALUE_TYPES)
    groups = [n for n in children if n["type"] in ("group", "repeat")]
    if count < PAGE_MIN_QUESTIONS or len(groups) < 2:
        return [children]
    pages: list[list[dict]] = []
    loose: list[dict] = []
    for node in children:
        if node["type"] in ("group", "repeat"):
            if loose:
                pages.append(loose)
                loose = []
            pages.append([node])
        else:
            loose.append(node)
    if loose:
        pages.append(loose)
    return pages


def page_title(page: list[dict], lang: str, default: str) -> str:
    if len(page) == 1 and page[0]["type"] in ("group", "repeat"):
        return pick(page[0].get("label"), lang, default) or page[0]["name"]
    return ""


def input_name(name: str, repeat: str | None = None, index: int | None = None) -> str:
    return f"{repeat}__{index}__{name}" if repeat is not None else name


def read_post(engine: FormEngine, page: list[dict], post, answers: dict) -> dict:
    """The stored answers with this page's questions replaced by what was posted (an absent
    field is an empty answer: unchecked boxes post nothing)."""
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in answers.items()}
    for node, repeat in walk(page):
        if repeat is not None:
            continue
        if node["type"] in VALUE_TYPES:
            out[node["name"]] = _value(node, post, node["name"])
        elif node["type"] == "repeat":
            try:
                rows = max(0, min(int(post.get(f"{node['name']}__count", "0")), 200))
            except ValueError:
                rows = 0
            items = []
            for i in range(rows):
                row = {}
                for inner, _r in walk(node["children"]):
                    if inner["type"] in VALUE_TYPES:
                        row[inner["name"]] = _value(
                            inner, post, input_name(inner["name"], node["name"], i)
                        )
                items.append(row)
            out[node["name"]] = items
    return out


def _value(node, post, key) -> str:
    if node["type"] == "select_multiple":
        return " ".join(v for v in post.getlist(key) if v.strip())
    return (post.get(key) or "").strip()


def interpolate(text: str, engine: FormEngine, answers: dict, row: dict | None) -> str:
    def sub(m):
        name = m.group(1)
        source = row if (row is not None and name in engine.repeat_of) else answers
        return str(source.get(name, "")) if isinstance(source, dict) else ""

    return _REF.sub(sub, text or "")


def build(
    engine: FormEngine,
    nodes: list[dict],
    ev: Evaluation,
    lang: str,
    errors: dict[str, str] | None = None,
) -> list[dict]:
    """Items for the templates: only relevant questions (skip logic on the server)."""
    default = engine.default_lang
    errors = errors or {}

    def item(node, row, prefix, repeat, index):
        name = node["name"]
        path = prefix + name
        if not ev.relevant.get(path, True) or node["type"] in ("calculate", "metadata"):
            return None
        if name == TITLE_NOTE and node["type"] == "note":
            return None
        source = row if row is not None else ev.answers
        base = {
            "kind": node["type"],
            "name": name,
            "id": "q-" + input_name(name, repeat, index).replace("__", "-"),
            "input": input_name(name, repeat, index),
            "label": interpolate(pick(node.get("label"), lang, default), engine, ev.answers, row)
            or name,
            "hint": pick(node.get("hint"), lang, default),
            "required": bool(node.get("required")),
            "error": errors.get(path, ""),
            "appearance": node.get("appearance", ""),
        }
        if node["type"] == "group":
            base["children"] = [
                c for c in (item(n, row, prefix, repeat, index) for n in node["children"]) if c
            ]
            return base
        if node["type"] == "repeat":
            rows = []
            for i, r in enumerate(ev.answers.get(name, [])):
                rows.append(
                    {
                        "index": i,
                        "number": i + 1,
                        "children": [
                            c
                            for c in (
                                item(n, r, f"{name}[{i}].", name, i) for n in node["children"]
                            )
                            if c
                        ],
                    }
                )
            base["rows"] = rows
            base["count"] = len(rows)
            return base
        value = str(source.get(name, "")) if isinstance(source, dict) else ""
        base["value"] = value
        if node["type"] in ("select_one", "select_multiple"):
            picked = value.split() if node["type"] == "select_multiple" else [value]
            base["choices"] = [
                {
                    "name": c["name"],
                    "label": pick(c.get("label"), lang, default) or c["name"],
                    "checked": c["name"] in picked,
                    "id": f"{base['id']}-{c['name']}",
                }
                for c in ev.choices.get(path, node.get("choices", []))
            ]
        return base

    return [c for c in (item(n, None, "", None, None) for n in nodes) if c]


def readable(engine: FormEngine, answers: dict, lang: str) -> list[dict]:
    """Question/answer pairs of a submitted response, labels in the reader's language."""
    default = engine.default_lang
    out = []

    def text(node, raw):
        labels = {c["name"]: pick(c.get("label"), lang, default) for c in node.get("choices", [])}
        if node["type"] in ("select_one", "select_multiple"):
            return ", ".join(labels.get(v, v) for v in str(raw).split())
        return str(raw)

    for node, repeat in walk(engine.definition["children"]):
        if repeat is not None:
            continue
        if node["type"] in ("group", "repeat"):
            out.append(
                {"heading": pick(node.get("label"), lang, default) or node["name"], "rows": []}
            )
            if node["type"] == "repeat":
                for i, r in enumerate(answers.get(node["name"], []) or []):
                    for inner, _r in walk(node["children"]):
                        if inner["type"] in VALUE_TYPES and r.get(inner["name"], "") != "":
                            out.append(
                                {
                                    "label": f"{i + 1}. "
                                    + (pick(inner.get("label"), lang, default) or inner["name"]),
                                    "value": text(inner, r[inner["name"]]),
                                }
                            )
            continue
        if node["type"] in VALUE_TYPES and answers.get(node["name"], "") != "":
            out.append(
                {
                    "label": pick(node.get("label"), lang, default) or node["name"],
                    "value": text(node, answers[node["name"]]),
                }
            )
    return out
