"""The XLSForm expression subset, parsed and evaluated in-process (never ``eval``).

A small Pratt parser turns an expression into a tree of tuples; ``to_text`` prints a tree back
(``parse(to_text(tree)) == tree``); ``evaluate`` runs a tree against the answers. No Django
import. The subset (docs/questionnaires.md):

- references ``${field}``; ``.`` (the value being checked, in constraints); bare names only in
  choice filters, where they name a column of the choices sheet;
- literals: numbers, 'strings' or "strings";
- ``=  !=  <  <=  >  >=``, ``+  -  *  div  mod``, unary ``-``, ``and  or``, parentheses;
- functions: not, true, false, if, selected, count-selected, string-length, today, coalesce,
  regex, concat, number, string, int;
- over repeats: ``count(${f})`` (instances of a repeat or of a question in one), ``sum(${f})``
  (their values added, XPath's ``sum``: an unanswered one makes the total NaN) and
  ``position(..)`` (the 1-based number of the current repeat instance).

Values are strings, numbers (float), booleans or dates, as in XPath 1.0: an unanswered question
is the empty string, an integer or decimal question a number, a date question a date.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

# A tree is a tuple: ("num", float) ("str", text) ("ref", name) ("name", column) ("dot",)
# ("dotdot",) ("neg", tree) ("op", symbol, left, right) ("call", function, (args...)).
Tree = tuple


class ExprError(ValueError):
    """The expression is not in the supported subset (or is not an expression at all)."""


FUNCTIONS: dict[str, tuple[int, int]] = {  # name: (min args, max args)
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "if": (3, 3),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "today": (0, 0),
    "coalesce": (2, 2),
    "regex": (2, 2),
    "concat": (1, 20),
    "number": (1, 1),
    "string": (1, 1),
    "int": (1, 1),
    "count": (1, 1),
    "sum": (1, 1),
    "position": (1, 1),
}
# functions over every instance of a question in a repeat (their argument is a node set)
AGGREGATES = ("count", "sum")

# binding power of the infix operators (higher binds tighter)
BINARY: dict[str, int] = {
    "or": 10,
    "and": 20,
    "=": 30,
    "!=": 30,
    "<": 40,
    "<=": 40,
    ">": 40,
    ">=": 40,
    "+": 50,
    "-": 50,
    "*": 60,
    "div": 60,
    "mod": 60,
}
UNARY_BP = 70

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{(?P<refname>[^}]*)\})
    | (?P<num>\d+(?:\.\d*)?|\.\d+)
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<dotdot>\.\.(?![\d.]))
    | (?P<dot>\.(?![\d.]))
    | (?P<name>[A-Za-z_][\w.-]*(?<![.-]))
    | (?P<bad>\S+?)(?=\s|$|[()=<>!,+*]|\$\{)
    )""",
    re.VERBOSE,
)
FIELD_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    text = text or ""
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot read {text[pos:].strip()[:20]!r}")
        kind = m.lastgroup if m.lastgroup != "refname" else "ref"
        if m.group("ref"):
            name = m.group("refname").strip()
            if not FIELD_NAME.match(name):
                raise ExprError(f"${{{name}}} is not a field name")
            tokens.append(Token("ref", name, m.start("ref")))
        elif kind == "bad":
            raise ExprError(f"{m.group('bad')!r} is not supported")
        else:
            tokens.append(Token(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, allow_names: bool):
        self.tokens = tokenize(text)
        self.i = 0
        self.allow_names = allow_names

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.next()
        if tok.text != text or tok.kind not in ("op",):
            raise ExprError(f"expected {text!r} at {tok.pos}, found {tok.text or 'the end'!r}")

    def infix_op(self, tok: Token) -> str | None:
        if tok.kind == "op" and tok.text in BINARY:
            return tok.text
        if tok.kind == "name" and tok.text in ("and", "or", "div", "mod"):
            return tok.text
        return None

    def expression(self, min_bp: int = 0) -> Tree:
        left = self.prefix()
        while True:
            op = self.infix_op(self.peek())
            if op is None or BINARY[op] <= min_bp:
                break
            self.next()
            right = self.expression(BINARY[op])
            left = ("op", op, left, right)
        return left

    def prefix(self) -> Tree:
        tok = self.next()
        if tok.kind == "num":
            return ("num", float(tok.text))
        if tok.kind == "str":
            return ("str", tok.text[1:-1])
        if tok.kind == "ref":
            return ("ref", tok.text)
        if tok.kind == "dot":
            return ("dot",)
        if tok.kind == "dotdot":
            raise ExprError("'..' is not supported (except in position(..))")
        if tok.kind == "op" and tok.text == "-":
            return ("neg", self.expression(UNARY_BP))
        if tok.kind == "op" and tok.text == "(":
            inner = self.expression(0)
            self.expect(")")
            return inner
        if tok.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(tok)
            if self.allow_names and tok.text not in ("and", "or", "div", "mod"):
                return ("name", tok.text)
            raise ExprError(f"{tok.text!r} is not supported here (use ${{{tok.text}}})")
        if tok.kind == "end":
            raise ExprError("the expression ends too early")
        raise ExprError(f"unexpected {tok.text!r} at {tok.pos}")

    def call(self, tok: Token) -> Tree:
        fname = tok.text
        if fname not in FUNCTIONS:
            raise ExprError(f"function {fname}() is not supported")
        self.expect("(")
        if fname == "position":
            tok = self.next()
            if tok.kind != "dotdot":
                raise ExprError("position() is not supported except as position(..)")
            self.expect(")")
            return ("call", fname, (("dotdot",),))
        args: list[Tree] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.expression(0))
            while self.peek().kind == "op" and self.peek().text == ",":
                self.next()
                args.append(self.expression(0))
        self.expect(")")
        lo, hi = FUNCTIONS[fname]
        if not lo <= len(args) <= hi:
            raise ExprError(f"{fname}() takes {lo}–{hi} arguments, not {len(args)}")
        if fname in ("selected", "count-selected") and args[0][0] not in ("ref", "dot"):
            raise ExprError(f"the first argument of {fname}() must be a ${{field}}")
        if fname in AGGREGATES and args[0][0] != "ref":
            raise ExprError(f"the argument of {fname}() must be a ${{field}}")
        return ("call", fname, tuple(args))


def parse(text: str, *, allow_names: bool = False) -> Tree:
    """Parse ``text``; ``allow_names`` lets bare names stand for choice columns."""
    if not (text or "").strip():
        raise ExprError("the expression is empty")
    parser = _Parser(text, allow_names)
    tree = parser.expression(0)
    tok = parser.peek()
    if tok.kind != "end":
        raise ExprError(f"unexpected {tok.text!r} at {tok.pos}")
    return tree


def references(tree: Tree) -> set[str]:
    """The ${field} names a tree refers to."""
    kind = tree[0]
    if kind == "ref":
        return {tree[1]}
    if kind == "neg":
        return references(tree[1])
    if kind == "op":
        return references(tree[2]) | references(tree[3])
    if kind == "call":
        out: set[str] = set()
        for arg in tree[2]:
            out |= references(arg)
        return out
    return set()


def plain_references(tree: Tree) -> set[str]:
    """The ${field} names used for their single value (not as the node set of count()/sum())."""
    kind = tree[0]
    if kind == "call" and tree[1] in AGGREGATES:
        return set()
    if kind == "ref":
        return {tree[1]}
    if kind == "neg":
        return plain_references(tree[1])
    if kind == "op":
        return plain_references(tree[2]) | plain_references(tree[3])
    if kind == "call":
        out: set[str] = set()
        for arg in tree[2]:
            out |= plain_references(arg)
        return out
    return set()


def uses_position(tree: Tree) -> bool:
    if tree[0] == "call":
        return tree[1] == "position" or any(uses_position(a) for a in tree[2])
    if tree[0] == "op":
        return uses_position(tree[2]) or uses_position(tree[3])
    if tree[0] == "neg":
        return uses_position(tree[1])
    return False


# ------------------------------------------------------------------------------- printing


def _num_text(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def to_text(tree: Tree) -> str:
    """Print a tree so that ``parse(to_text(t)) == t`` (binary operations in parentheses)."""
    kind = tree[0]
    if kind == "num":
        return _num_text(tree[1])
    if kind == "str":
        return f'"{tree[1]}"' if "'" in tree[1] else f"'{tree[1]}'"
    if kind == "ref":
        return "${" + tree[1] + "}"
    if kind == "name":
        return tree[1]
    if kind == "dot":
        return "."
    if kind == "dotdot":
        return ".."
    if kind == "neg":
        return "-" + _wrap(tree[1])
    if kind == "op":
        return f"({to_text(tree[2])} {tree[1]} {to_text(tree[3])})"
    if kind == "call":
        return f"{tree[1]}(" + ", ".join(to_text(a) for a in tree[2]) + ")"
    raise ExprError(f"unknown node {kind}")


def _wrap(tree: Tree) -> str:
    text = to_text(tree)
    return f"({text})" if tree[0] in ("neg", "num") else text


# ----------------------------------------------------------------------------- evaluation

EPOCH = date(1970, 1, 1)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Context:
    """What an expression sees: ``lookup(name)`` gives a field's typed value, ``dot`` the value
    under check, ``columns`` a choice's columns (choice filters), ``today`` the date;
    ``lookup_all(name)`` every instance's value (count, sum), ``position`` the 1-based number
    of the current repeat instance (0 outside repeats)."""

    lookup: Callable[[str], object]
    dot: object = ""
    lookup_all: Callable[[str], list] | None = None
    position: int = 0
    columns: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, date):
        return True
    return value != ""


def to_number(value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, date):
        return float((value - EPOCH).days)
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return float((date.fromisoformat(text) - EPOCH).days)
        except ValueError:
            return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def to_string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        if isinstance(value, float) and math.isnan(value):
            return "NaN"
        if isinstance(value, float) and math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return _num_text(float(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _compare(op: str, a, b) -> bool:
    if op in ("=", "!="):
        if isinstance(a, bool) or isinstance(b, bool):
            same = to_bool(a) == to_bool(b)
        elif isinstance(a, date) or isinstance(b, date):
            same = to_number(a) == to_number(b)
        elif isinstance(a, float | int) or isinstance(b, float | int):
            # an unanswered number equals only ''
            same = a == b if a == "" or b == "" else to_number(a) == to_number(b)
        else:
            same = a == b
        return same if op == "=" else not same
    x, y = to_number(a), to_number(b)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _arith(op: str, a, b) -> float:
    x, y = to_number(a), to_number(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        if y == 0:
            if x == 0 or math.isnan(x):
                return math.nan
            return math.copysign(math.inf, x) * (1 if math.copysign(1, y) > 0 else -1)
        return x / y
    if op == "mod":
        if y == 0 or math.isnan(x) or math.isnan(y) or math.isinf(x):
            return math.nan
        return math.fmod(x, y)
    raise ExprError(op)


def _selected_values(value) -> list[str]:
    return to_string(value).split()


def evaluate(tree: Tree, ctx: Context):
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "str":
        return tree[1]
    if kind == "ref":
        return ctx.lookup(tree[1])
    if kind == "dot":
        return ctx.dot
    if kind == "name":
        return ctx.columns.get(tree[1], "")
    if kind == "neg":
        return -to_number(evaluate(tree[1], ctx))
    if kind == "op":
        op = tree[1]
        if op == "and":
            return to_bool(evaluate(tree[2], ctx)) and to_bool(evaluate(tree[3], ctx))
        if op == "or":
            return to_bool(evaluate(tree[2], ctx)) or to_bool(evaluate(tree[3], ctx))
        a, b = evaluate(tree[2], ctx), evaluate(tree[3], ctx)
        if op in ("=", "!=", "<", "<=", ">", ">="):
            return _compare(op, a, b)
        return _arith(op, a, b)
    if kind == "call":
        return _call(tree[1], tree[2], ctx)
    raise ExprError(f"unknown node {kind}")


def _call(name: str, args: tuple, ctx: Context):
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "today":
        return ctx.today
    if name == "position":
        return float(ctx.position)
    if name in AGGREGATES:
        ref = args[0][1]
        items = ctx.lookup_all(ref) if ctx.lookup_all else [ctx.lookup(ref)]
        if name == "count":
            return float(len(items))
        return sum((to_number(v) for v in items), 0.0)
    if name == "if":
        return evaluate(args[1] if to_bool(evaluate(args[0], ctx)) else args[2], ctx)
    if name == "coalesce":
        first = evaluate(args[0], ctx)
        return first if to_string(first) != "" else evaluate(args[1], ctx)
    values = [evaluate(a, ctx) for a in args]
    if name == "not":
        return not to_bool(values[0])
    if name == "selected":
        return to_string(values[1]).strip() in _selected_values(values[0])
    if name == "count-selected":
        return float(len(_selected_values(values[0])))
    if name == "string-length":
        return float(len(to_string(values[0])))
    if name == "regex":
        try:
            return re.search(to_string(values[1]), to_string(values[0])) is not None
        except re.error:
            return False
    if name == "concat":
        return "".join(to_string(v) for v in values)
    if name == "number":
        return to_number(values[0])
    if name == "string":
        return to_string(values[0])
    if name == "int":
        n = to_number(values[0])
        return float(math.trunc(n)) if math.isfinite(n) else n
    raise ExprError(f"function {name}() is not supported")


def literal_regexes(tree: Tree) -> list[str]:
    """The literal patterns of regex() calls (checked to compile at import)."""
    out: list[str] = []
    if tree[0] == "call":
        if tree[1] == "regex" and tree[2][1][0] == "str":
            out.append(tree[2][1][1])
        for arg in tree[2]:
            out += literal_regexes(arg)
    elif tree[0] == "op":
        out += literal_regexes(tree[2]) + literal_regexes(tree[3])
    elif tree[0] == "neg":
        out += literal_regexes(tree[1])
    return out
