"""Running a form definition against answers: skip logic, calculations, choice filters and the
server-side validation of a response.

Answers are strings keyed by question name (select_multiple: space-separated choice names, as
ODK stores them); a repeat is a list of such dicts under the repeat's name. Paths name one
value: ``city`` or ``children[2].age`` (rows counted from 0).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from . import xpath
from .xlsform import walk

VALUE_TYPES = ("text", "integer", "decimal", "date", "select_one", "select_multiple")
_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def pick(texts: dict | None, lang: str, default: str) -> str:
    """The text in ``lang``, else the form's default language, else any."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get(default) or next(iter(texts.values()), "")


def typed(node: dict, raw: str):
    """A stored answer as the expression language sees it ('' when unanswered or invalid)."""
    raw = "" if raw is None else str(raw).strip()
    if raw == "":
        return ""
    kind = node["type"]
    if kind == "integer":
        return float(int(raw)) if _INT.match(raw) else ""
    if kind == "decimal":
        return float(raw) if _DEC.match(raw) else ""
    if kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return ""
    return raw


@dataclass
class Evaluation:
    answers: dict
    relevant: dict[str, bool] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class FormEngine:
    """One form definition, with its expressions parsed once."""

    def __init__(self, definition: dict):
        self.definition = definition
        self.default_lang = definition.get("default_language", "en")
        self.nodes: dict[str, dict] = {}
        self.repeat_of: dict[str, str] = {}
        self.trees: dict[tuple[str, str], xpath.Tree] = {}
        for node, repeat in walk(definition["children"]):
            self.nodes[node["name"]] = node
            if repeat:
                self.repeat_of[node["name"]] = repeat
            for key in ("relevant", "constraint", "calculation"):
                if node.get(key):
                    self.trees[(node["name"], key)] = xpath.parse(node[key])
            if node.get("choice_filter"):
                self.trees[(node["name"], "choice_filter")] = xpath.parse(
                    node["choice_filter"], allow_names=True
                )

    # ------------------------------------------------------------------ initial values
    def initial(self) -> dict:
        answers: dict = {}
        for node, repeat in walk(self.definition["children"]):
            if repeat is None and node["type"] in VALUE_TYPES and node.get("default"):
                answers[node["name"]] = node["default"]
            if node["type"] == "repeat":
                answers[node["name"]] = [self.initial_row(node)]
        return answers

    def initial_row(self, repeat: dict) -> dict:
        return {
            n["name"]: n["default"]
            for n, _r in walk(repeat["children"])
            if n["type"] in VALUE_TYPES and n.get("default")
        }

    def repeat_names(self, repeat: str) -> list[str]:
        return [n for n, r in self.repeat_of.items() if r == repeat]

    # ---------------------------------------------------------------------- evaluation
    def _ctx(self, values: dict, row: dict | None, today: date, dot="", columns=None):
        def lookup(name):
            node = self.nodes.get(name)
            if node is None:
                return ""
            source = row if (row is not None and name in self.repeat_of) else values
            raw = source.get(name, "") if isinstance(source, dict) else ""
            return typed(node, raw if isinstance(raw, str) else "")

        return xpath.Context(lookup=lookup, dot=dot, columns=columns or {}, today=today)

    def _eval(self, name, key, values, row, today, dot=""):
        try:
            return xpath.evaluate(self.trees[(name, key)], self._ctx(values, row, today, dot))
        except (xpath.ExprError, OverflowError, ValueError, ZeroDivisionError):
            return ""

    def filtered_choices(self, node, values, row, today) -> list[dict]:
        tree = self.trees.get((node["name"], "choice_filter"))
        if tree is None:
            return node.get("choices", [])
        out = []
        for choice in node.get("choices", []):
            columns = {**choice.get("columns", {}), "name": choice["name"]}
            try:
                keep = xpath.to_bool(
                    xpath.evaluate(tree, self._ctx(values, row, today, columns=columns))
                )
            except (xpath.ExprError, OverflowError, ValueError):
                keep = False
            if keep:
                out.append(choice)
        return out

    def evaluate(
        self, raw: dict, *, today: date | None = None, final: bool = False, lang: str = ""
    ) -> Evaluation:
        """Work out relevance, calculations and choices; with ``final``, validate every
        relevant question. Irrelevant answers are dropped from ``answers``."""
        today = today or date.today()
        lang = lang or self.default_lang
        values = self._clean_shape(raw)
        ev = Evaluation(answers=values)
        for _pass in range(2):  # calculations may refer to later questions
            ev.relevant = {}
            self._walk(self.definition["children"], values, None, "", True, today, ev)
        self._drop_irrelevant(self.definition["children"], values, None, "", ev)
        if final:
            self._validate(self.definition["children"], values, None, "", today, lang, ev)
        return ev

    def _clean_shape(self, raw: dict) -> dict:
        values: dict = {}
        for node, repeat in walk(self.definition["children"]):
            if repeat is not None:
                continue
            name = node["name"]
            if node["type"] == "repeat":
                rows = raw.get(name) or []
                inner = self.repeat_names(name)
                values[name] = [
                    {k: _text(r.get(k, "")) for k in inner if k in r}
                    for r in rows
                    if isinstance(r, dict)
                ]
            elif node["type"] in VALUE_TYPES + ("calculate", "metadata") and name in raw:
                values[name] = _text(raw[name])
        return values

    def _walk(self, children, values, row, prefix, parent_relevant, today, ev):
        for node in children:
            name = node["name"]
            path = prefix + name
            relevant = parent_relevant
            if relevant and (name, "relevant") in self.trees:
                relevant = xpath.to_bool(self._eval(name, "relevant", values, row, today))
            ev.relevant[path] = relevant
            target = row if row is not None else values
            if node["type"] == "calculate":
                result = self._eval(name, "calculation", values, row, today) if relevant else ""
                target[name] = _text(xpath.to_string(result)) if result not in ("",) else ""
                if isinstance(result, float) and math.isnan(result):
                    target[name] = ""
            elif node["type"] == "group":
                self._walk(node["children"], values, row, prefix, relevant, today, ev)
            elif node["type"] == "repeat":
                for i, r in enumerate(values.get(name, [])):
                    self._walk(node["children"], values, r, f"{name}[{i}].", relevant, today, ev)
            elif node["type"] in ("select_one", "select_multiple"):
                ev.choices[path] = self.filtered_choices(node, values, row, today)

    def _drop_irrelevant(self, children, values, row, prefix, ev):
        for node in children:
            name = node["name"]
            target = row if row is not None else values
            if not ev.relevant.get(prefix + name, True):
                if node["type"] == "repeat":
                    values[name] = []
                elif node["type"] == "group":
                    self._clear(node["children"], target, values)
                else:
                    target.pop(name, None)
                continue
            if node["type"] == "group":
                self._drop_irrelevant(node["children"], values, row, prefix, ev)
            elif node["type"] == "repeat":
                for i, r in enumerate(values.get(name, [])):
                    self._drop_irrelevant(node["children"], values, r, f"{name}[{i}].", ev)

    def _clear(self, children, target, values):
        for node, _r in walk(children):
            if node["type"] == "repeat":
                values[node["name"]] = []
            else:
                target.pop(node["name"], None)

    def _validate(self, children, values, row, prefix, today, lang, ev):
        for node in children:
            name = node["name"]
            path = prefix + name
            if not ev.relevant.get(path, True):
                continue
            kind = node["type"]
            if kind == "group":
                self._validate(node["children"], values, row, prefix, today, lang, ev)
                continue
            if kind == "repeat":
                for i, r in enumerate(values.get(name, [])):
                    self._validate(node["children"], values, r, f"{name}[{i}].", today, lang, ev)
                continue
            if kind not in VALUE_TYPES:
                continue
            target = row if row is not None else values
            raw = target.get(name, "")
            if raw == "":
                if node.get("required"):
                    ev.errors[path] = pick(node.get("required_msg"), lang, self.default_lang) or _(
                        "This question needs an answer."
                    )
                continue
            message = self._type_error(node, raw, ev.choices.get(path, []))
            if message:
                ev.errors[path] = message
                continue
            if (name, "constraint") in self.trees:
                ok = xpath.to_bool(
                    self._eval(name, "constraint", values, row, today, dot=typed(node, raw))
                )
                if not ok:
                    ev.errors[path] = pick(
                        node.get("constraint_msg"), lang, self.default_lang
                    ) or _("This answer is not accepted.")

    def _type_error(self, node, raw: str, choices: list[dict]) -> str:
        kind = node["type"]
        if kind == "integer" and not _INT.match(raw):
            return _("Enter a whole number.")
        if kind == "decimal" and not _DEC.match(raw):
            return _("Enter a number.")
        if kind == "date":
            try:
                date.fromisoformat(raw)
            except ValueError:
                return _("Enter a date (YYYY-MM-DD).")
        allowed = {c["name"] for c in choices}
        if kind == "select_one" and raw not in allowed:
            return _("Choose one of the options.")
        if kind == "select_multiple":
            picked = raw.split()
            if any(p not in allowed for p in picked) or len(set(picked)) != len(picked):
                return _("Choose among the options.")
        return ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if str(v).strip())
    return str(value).strip()
