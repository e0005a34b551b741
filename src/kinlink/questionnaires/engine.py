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
from .xlsform import level

VALUE_TYPES = ("text", "integer", "decimal", "date", "select_one", "select_multiple")
_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
MAX_ROWS = 200  # instances of one repeat in one parent (more are dropped)


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
    """One form definition, with its expressions parsed once.

    Inside repeats (which may nest) an expression is evaluated in its instance: ``stack`` is
    the chain of (repeat name, row, index) from the outermost repeat to the current one, and
    ``${f}`` names the value of ``f`` in the current instance or one around it; ``count()`` and
    ``sum()`` see every instance below that."""

    def __init__(self, definition: dict):
        self.definition = definition
        self.default_lang = definition.get("default_language", "en")
        self.nodes: dict[str, dict] = {}
        self.repeat_of: dict[str, str] = {}  # name → the innermost repeat around it
        self.chain: dict[str, tuple[str, ...]] = {}  # name → repeats around it, outermost first
        self.trees: dict[tuple[str, str], xpath.Tree] = {}
        self._index(definition["children"], ())

    def _index(self, children, chain):
        for node in children:
            name = node["name"]
            self.nodes[name] = node
            self.chain[name] = chain
            if chain:
                self.repeat_of[name] = chain[-1]
            for key in ("relevant", "constraint", "calculation"):
                if node.get(key):
                    self.trees[(name, key)] = xpath.parse(node[key])
            if node.get("choice_filter"):
                self.trees[(name, "choice_filter")] = xpath.parse(
                    node["choice_filter"], allow_names=True
                )
            if node["type"] == "group":
                self._index(node["children"], chain)
            elif node["type"] == "repeat":
                self._index(node["children"], (*chain, name))

    # ------------------------------------------------------------------ initial values
    def initial(self) -> dict:
        return self.initial_row({"children": self.definition["children"]})

    def initial_row(self, repeat: dict) -> dict:
        """A new instance: defaults, and one instance of each repeat inside it."""
        row: dict = {}
        for n in level(repeat["children"]):
            if n["type"] in VALUE_TYPES and n.get("default"):
                row[n["name"]] = n["default"]
            elif n["type"] == "repeat":
                row[n["name"]] = [self.initial_row(n)]
        return row

    def repeat_names(self, repeat: str) -> list[str]:
        return [n for n, r in self.repeat_of.items() if r == repeat]

    # ------------------------------------------------------------------------ lookups
    def source(self, name: str, values: dict, stack: tuple = ()) -> dict | None:
        """The dict holding ``name``'s single value seen from ``stack`` (None: not visible)."""
        chain = self.chain.get(name, ())
        if not chain:
            return values
        if tuple(s[0] for s in stack[: len(chain)]) == chain:
            return stack[len(chain) - 1][1]
        return None

    def raw_value(self, name: str, values: dict, stack: tuple = ()) -> str:
        source = self.source(name, values, stack)
        raw = source.get(name, "") if isinstance(source, dict) else ""
        return raw if isinstance(raw, str) else ""

    def instances(self, name: str, values: dict, stack: tuple = ()) -> list:
        """Every value of ``name`` under the current instance (a repeat: one '' per row)."""
        chain = self.chain.get(name, ())
        k = 0
        while k < len(chain) and k < len(stack) and stack[k][0] == chain[k]:
            k += 1
        bases = [stack[k - 1][1] if k else values]
        for rep in chain[k:]:
            bases = [r for b in bases for r in (b.get(rep) or []) if isinstance(r, dict)]
        node = self.nodes[name]
        if node["type"] == "repeat":
            return ["" for b in bases for r in (b.get(name) or []) if isinstance(r, dict)]
        out = []
        for b in bases:
            raw = b.get(name, "")
            out.append(typed(node, raw if isinstance(raw, str) else ""))
        return out

    # ---------------------------------------------------------------------- evaluation
    def _ctx(self, values: dict, stack: tuple, today: date, dot="", columns=None):
        def lookup(name):
            node = self.nodes.get(name)
            if node is None:
                return ""
            return typed(node, self.raw_value(name, values, stack))

        def lookup_all(name):
            return self.instances(name, values, stack) if name in self.nodes else []

        return xpath.Context(
            lookup=lookup,
            lookup_all=lookup_all,
            position=(stack[-1][2] + 1) if stack else 0,
            dot=dot,
            columns=columns or {},
            today=today,
        )

    def _eval(self, name, key, values, stack, today, dot=""):
        try:
            return xpath.evaluate(self.trees[(name, key)], self._ctx(values, stack, today, dot))
        except (xpath.ExprError, OverflowError, ValueError, ZeroDivisionError):
            return ""

    def filtered_choices(self, node, values, stack, today) -> list[dict]:
        tree = self.trees.get((node["name"], "choice_filter"))
        if tree is None:
            return node.get("choices", [])
        out = []
        for choice in node.get("choices", []):
            columns = {**choice.get("columns", {}), "name": choice["name"]}
            try:
                keep = xpath.to_bool(
                    xpath.evaluate(tree, self._ctx(values, stack, today, columns=columns))
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
        values = self._clean_shape(
            self.definition["children"], raw if isinstance(raw, dict) else {}
        )
        ev = Evaluation(answers=values)
        for _pass in range(2):  # calculations may refer to later questions
            ev.relevant = {}
            self._walk(self.definition["children"], values, (), "", True, today, ev)
        self._drop_irrelevant(self.definition["children"], values, (), "", ev)
        if final:
            self._validate(self.definition["children"], values, (), "", today, lang, ev)
        return ev

    def _clean_shape(self, children: list[dict], raw: dict) -> dict:
        """Only the known names of this level, as strings; repeats as lists of such dicts."""
        values: dict = {}
        for node in level(children):
            name = node["name"]
            if node["type"] == "repeat":
                rows = raw.get(name) or []
                if not isinstance(rows, list):
                    rows = []
                values[name] = [
                    self._clean_shape(node["children"], r)
                    for r in rows[:MAX_ROWS]
                    if isinstance(r, dict)
                ]
            elif node["type"] in VALUE_TYPES + ("calculate", "metadata") and name in raw:
                values[name] = _text(raw[name])
        return values

    def _walk(self, children, values, stack, prefix, parent_relevant, today, ev):
        target = stack[-1][1] if stack else values
        for node in children:
            name = node["name"]
            path = prefix + name
            relevant = parent_relevant
            if relevant and (name, "relevant") in self.trees:
                relevant = xpath.to_bool(self._eval(name, "relevant", values, stack, today))
            ev.relevant[path] = relevant
            if node["type"] == "calculate":
                result = self._eval(name, "calculation", values, stack, today) if relevant else ""
                target[name] = _text(xpath.to_string(result)) if result not in ("",) else ""
                if isinstance(result, float) and (math.isnan(result) or math.isinf(result)):
                    target[name] = ""
            elif node["type"] == "group":
                self._walk(node["children"], values, stack, prefix, relevant, today, ev)
            elif node["type"] == "repeat":
                for i, r in enumerate(target.get(name, [])):
                    self._walk(
                        node["children"],
                        values,
                        (*stack, (name, r, i)),
                        f"{path}[{i}].",
                        relevant,
                        today,
                        ev,
                    )
            elif node["type"] in ("select_one", "select_multiple"):
                ev.choices[path] = self.filtered_choices(node, values, stack, today)

    def _drop_irrelevant(self, children, values, stack, prefix, ev):
        target = stack[-1][1] if stack else values
        for node in children:
            name = node["name"]
            path = prefix + name
            if not ev.relevant.get(path, True):
                if node["type"] == "repeat":
                    target[name] = []
                elif node["type"] == "group":
                    self._clear(node["children"], target)
                else:
                    target.pop(name, None)
                continue
            if node["type"] == "group":
                self._drop_irrelevant(node["children"], values, stack, prefix, ev)
            elif node["type"] == "repeat":
                for i, r in enumerate(target.get(name, [])):
                    self._drop_irrelevant(
                        node["children"], values, (*stack, (name, r, i)), f"{path}[{i}].", ev
                    )

    def _clear(self, children, target):
        for node in level(children):
            if node["type"] == "repeat":
                target[node["name"]] = []
            elif node["type"] != "group":
                target.pop(node["name"], None)

    def _validate(self, children, values, stack, prefix, today, lang, ev):
        target = stack[-1][1] if stack else values
        for node in children:
            name = node["name"]
            path = prefix + name
            if not ev.relevant.get(path, True):
                continue
            kind = node["type"]
            if kind == "group":
                self._validate(node["children"], values, stack, prefix, today, lang, ev)
                continue
            if kind == "repeat":
                for i, r in enumerate(target.get(name, [])):
                    self._validate(
                        node["children"],
                        values,
                        (*stack, (name, r, i)),
                        f"{path}[{i}].",
                        today,
                        lang,
                        ev,
                    )
                continue
            if kind not in VALUE_TYPES:
                continue
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
                    self._eval(name, "constraint", values, stack, today, dot=typed(node, raw))
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
