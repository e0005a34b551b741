"""Turning a form definition plus answers into what the templates draw (in the reader's
language), splitting large forms into pages by group, and reading posted answers back."""

from __future__ import annotations

import re

from .engine import MAX_ROWS, VALUE_TYPES, Evaluation, FormEngine, pick
from .xlsform import level, walk

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


def input_name(name: str, prefix: str = "") -> str:
    """The form field of a question: ``age``; in repeats ``kids__0__age``,
    ``kids__0__visits__1__date`` (instances counted from 0)."""
    return prefix + name


def read_post(engine: FormEngine, page: list[dict], post, answers: dict) -> dict:
    """The stored answers with this page's questions replaced by what was posted (an absent
    field is an empty answer: unchecked boxes post nothing). Repeats, nested or not, post
    ``<prefix><repeat>__count`` and their questions under ``<prefix><repeat>__<i>__``."""
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in answers.items()}
    _read_level(page, post, "", out)
    return out


def _read_level(children: list[dict], post, prefix: str, target: dict) -> None:
    for node in level(children):
        if node["type"] in VALUE_TYPES:
            target[node["name"]] = _value(node, post, input_name(node["name"], prefix))
        elif node["type"] == "repeat":
            base = input_name(node["name"], prefix)
            key = f"{base}__count"
            if key not in post:
                continue  # not drawn (not relevant, or on another page): keep what is stored
            try:
                rows = max(0, min(int(post.get(key, "0")), MAX_ROWS))
            except ValueError:
                rows = 0
            stored = target.get(node["name"])
            stored = stored if isinstance(stored, list) else []
            items = []
            for i in range(rows):
                row = dict(stored[i]) if i < len(stored) and isinstance(stored[i], dict) else {}
                _read_level(node["children"], post, f"{base}__{i}__", row)
                items.append(row)
            target[node["name"]] = items


def _value(node, post, key) -> str:
    if node["type"] == "select_multiple":
        return " ".join(v for v in post.getlist(key) if v.strip())
    return (post.get(key) or "").strip()


def apply_action(engine: FormEngine, answers: dict, action: str) -> bool:
    """``add:<path>`` adds an instance of the repeat at ``path`` (``kids`` or
    ``kids/0/visits``); ``remove:<path>:<i>`` removes one. False when the path is not one."""
    verb, _sep, rest = action.partition(":")
    if verb not in ("add", "remove"):
        return False
    path, index = rest, ""
    if verb == "remove":
        path, _sep, index = rest.rpartition(":")
    parts = path.split("/")
    target: dict = answers
    chain: list[str] = []
    # walk down: name / index / name / index / ... / name
    for pos in range(0, len(parts) - 1, 2):
        name, i = parts[pos], parts[pos + 1]
        rows = target.get(name)
        node = engine.nodes.get(name)
        if not (node and node["type"] == "repeat" and isinstance(rows, list)):
            return False
        if not i.isdigit() or int(i) >= len(rows) or not isinstance(rows[int(i)], dict):
            return False
        chain.append(name)
        target = rows[int(i)]
    name = parts[-1]
    node = engine.nodes.get(name)
    if node is None or node["type"] != "repeat" or list(engine.chain[name]) != chain:
        return False
    rows = target.get(name)
    rows = rows if isinstance(rows, list) else []
    if verb == "add":
        if len(rows) >= MAX_ROWS:
            return False
        target[name] = [*rows, engine.initial_row(node)]
        return True
    if not index.isdigit() or int(index) >= len(rows):
        return False
    rows.pop(int(index))
    target[name] = rows
    return True


def interpolate(text: str, engine: FormEngine, answers: dict, stack: tuple = ()) -> str:
    def sub(m):
        return engine.raw_value(m.group(1), answers, stack)

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

    def item(node, stack, path_prefix, input_prefix, action_prefix):
        name = node["name"]
        path = path_prefix + name
        if not ev.relevant.get(path, True) or node["type"] in ("calculate", "metadata"):
            return None
        if name == TITLE_NOTE and node["type"] == "note":
            return None
        source = stack[-1][1] if stack else ev.answers
        field = input_name(name, input_prefix)
        base = {
            "kind": node["type"],
            "name": name,
            "id": "q-" + field.replace("__", "-"),
            "input": field,
            "label": interpolate(pick(node.get("label"), lang, default), engine, ev.answers, stack)
            or name,
            "hint": pick(node.get("hint"), lang, default),
            "required": bool(node.get("required")),
            "error": errors.get(path, ""),
            "appearance": node.get("appearance", ""),
        }
        if node["type"] == "group":
            base["children"] = [
                c
                for c in (
                    item(n, stack, path_prefix, input_prefix, action_prefix)
                    for n in node["children"]
                )
                if c
            ]
            return base
        if node["type"] == "repeat":
            rows = []
            action = action_prefix + name
            for i, r in enumerate(source.get(name, []) or []):
                inner = (*stack, (name, r, i))
                rows.append(
                    {
                        "index": i,
                        "number": i + 1,
                        "numbers": ".".join(str(s[2] + 1) for s in inner),
                        "children": [
                            c
                            for c in (
                                item(
                                    n,
                                    inner,
                                    f"{path}[{i}].",
                                    f"{field}__{i}__",
                                    f"{action}/{i}/",
                                )
                                for n in node["children"]
                            )
                            if c
                        ],
                    }
                )
            base["rows"] = rows
            base["count"] = len(rows)
            base["action"] = action
            base["nested"] = bool(stack)
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

    return [c for c in (item(n, (), "", "", "") for n in nodes) if c]


def readable(engine: FormEngine, answers: dict, lang: str) -> list[dict]:
    """Question/answer pairs of a submitted response, labels in the reader's language; answers
    in repeats are numbered by instance (``2.1.`` is the first visit of the second child)."""
    default = engine.default_lang
    out: list[dict] = []

    def text(node, raw):
        labels = {c["name"]: pick(c.get("label"), lang, default) for c in node.get("choices", [])}
        if node["type"] in ("select_one", "select_multiple"):
            return ", ".join(labels.get(v, v) for v in str(raw).split())
        return str(raw)

    def visit(children, source, numbers):
        for node in children:
            label = pick(node.get("label"), lang, default) or node["name"]
            if node["type"] == "group":
                if not numbers:
                    out.append({"heading": label, "rows": []})
                visit(node["children"], source, numbers)
            elif node["type"] == "repeat":
                if not numbers:
                    out.append({"heading": label, "rows": []})
                for i, r in enumerate(source.get(node["name"], []) or []):
                    if isinstance(r, dict):
                        visit(node["children"], r, f"{numbers}{i + 1}.")
            elif node["type"] in VALUE_TYPES and source.get(node["name"], "") != "":
                out.append(
                    {
                        "label": (f"{numbers} " if numbers else "") + label,
                        "value": text(node, source[node["name"]]),
                    }
                )

    visit(engine.definition["children"], answers or {}, "")
    return out
