"""The expression subset: parsing, printing, evaluating; property tests with hypothesis."""

from __future__ import annotations

import contextlib
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.questionnaires import xpath
from kinlink.questionnaires.xpath import Context, ExprError, evaluate, parse, to_text


def ev(text, values=None, dot="", columns=None, today=date(2026, 1, 15)):
    values = values or {}
    ctx = Context(lookup=lambda n: values.get(n, ""), dot=dot, columns=columns or {}, today=today)
    return evaluate(parse(text, allow_names=columns is not None), ctx)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 div 2", 3.5),
        ("7 mod 3", 1),
        ("-7 mod 3", -1),
        ("- 2 - 3", -5),
        ("10 - 2 - 3", 5),
        ("1 = 1 and 2 > 1", True),
        ("1 = 2 or 2 < 1", False),
        ("not(1 = 2)", True),
        ("if(3 > 2, 'a', 'b')", "a"),
        ("string-length('Київ')", 4),
        ("coalesce('', 'x')", "x"),
        ("regex('AB-123', '^[A-Z]{2}-[0-9]+$')", True),
        ("concat('a', 1, 'b')", "a1b"),
        ("int(7.9)", 7),
        ("today()", date(2026, 1, 15)),
        ("true() and not(false())", True),
        ("'1' = 1", True),
        ("1 div 0", math.inf),
    ],
)
def test_literals_and_functions(text, expected):
    assert ev(text) == expected


def test_references_dot_and_selected():
    values = {"age": 12.0, "needs": "trauma data", "name": ""}
    assert ev("${age} >= 12 and ${age} < 18", values)
    assert ev("selected(${needs}, 'data')", values)
    assert not ev("selected(${needs}, 'dat')", values)
    assert ev("count-selected(${needs})", values) == 2
    assert ev("${name} = ''", values)
    assert ev(". > 3", values, dot=5.0)
    assert ev("coalesce(${name}, 'none')", values) == "none"


def test_unanswered_number_compares_false_except_with_empty():
    values = {"age": ""}
    assert not ev("${age} > 3", values)
    assert not ev("${age} < 3", values)
    assert ev("${age} = ''", values)


def test_dates_compare_and_subtract():
    values = {"dob": date(2026, 1, 5)}
    assert ev("${dob} <= today()", values)
    assert ev("today() - ${dob}", values) == 10
    assert ev("${dob} = '2026-01-05'", values)


def test_choice_filter_names_are_columns():
    assert ev("region = ${r}", {"r": "north"}, columns={"region": "north"})
    assert not ev("region = ${r}", {"r": "south"}, columns={"region": "north"})


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("/data/age > 3", "not supported"),
        ("../age", "not supported"),
        ("max(${kids})", "max() is not supported"),
        ("count(1)", "must be a ${field}"),
        ("sum(${a} + 1)", "must be a ${field}"),
        ("position(.)", "not supported except as position(..)"),
        ("indexed-repeat(${a}, ${r}, 1)", "indexed-repeat() is not supported"),
        ("pulldata('x', 'y')", "pulldata() is not supported"),
        ("instance('x')/root/item", "is not supported"),
        ("${a} | ${b}", "not supported"),
        ("age > 3", "not supported here"),
        ("${a} >", "ends too early"),
        ("(1 + 2", "expected ')'"),
        ("if(1, 2)", "takes 3"),
        ("selected('a', 'b')", "must be a ${field}"),
        ("${bad name}", "not a field name"),
        ("", "empty"),
        ("1 2", "unexpected"),
    ],
)
def test_outside_the_subset_is_refused(text, fragment):
    with pytest.raises(ExprError) as err:
        parse(text)
    assert fragment in str(err.value)


def test_references_are_collected():
    tree = parse("if(${a} > 1, ${b}, coalesce(${c}, -${d}))")
    assert xpath.references(tree) == {"a", "b", "c", "d"}


def agg(text, instances, position=0):
    ctx = Context(
        lookup=lambda n: (instances.get(n) or [""])[0],
        lookup_all=lambda n: instances.get(n, []),
        position=position,
    )
    return evaluate(parse(text), ctx)


def test_count_and_sum_over_instances():
    inst = {"age": [3.0, 5.0, 9.0], "kids": ["", "", ""], "none": []}
    assert agg("count(${kids})", inst) == 3
    assert agg("sum(${age})", inst) == 17
    assert agg("count(${none}) = 0 and sum(${none}) = 0", inst) is True
    assert agg("sum(${age}) div count(${age}) > 5", inst) is True
    # XPath: an unanswered instance makes the sum NaN (as in ODK), count still counts it
    assert math.isnan(agg("sum(${age})", {"age": [3.0, ""]}))
    assert agg("count(${age})", {"age": [3.0, ""]}) == 2
    assert agg("position(..)", inst, position=2) == 2
    assert agg("if(position(..) = 1, 'first', 'later')", inst, position=1) == "first"


def test_plain_references_leave_out_node_sets():
    tree = parse("count(${kids}) > ${n} and sum(${age}) < ${limit}")
    assert xpath.references(tree) == {"kids", "n", "age", "limit"}
    assert xpath.plain_references(tree) == {"n", "limit"}
    assert xpath.uses_position(parse("position(..) > 1"))
    assert not xpath.uses_position(parse("count(${kids}) > 1"))


# ------------------------------------------------------------------ property tests

names = st.sampled_from(["a", "b", "age", "x_1", "q.v"])
leaves = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(lambda n: ("num", float(n))),
    st.text(alphabet="abc xyzЖ'", max_size=5)
    .filter(lambda s: "'" not in s)
    .map(lambda s: ("str", s)),
    names.map(lambda n: ("ref", n)),
    st.just(("dot",)),
)


def _trees(children):
    ops = st.sampled_from(sorted(xpath.BINARY))
    return st.one_of(
        st.tuples(st.just("op"), ops, children, children),
        st.tuples(st.just("neg"), children),
        st.tuples(
            st.just("call"),
            st.just("if"),
            st.tuples(children, children, children),
        ),
        st.tuples(st.just("call"), st.just("not"), st.tuples(children)),
        st.tuples(st.just("call"), st.just("coalesce"), st.tuples(children, children)),
        st.tuples(
            st.just("call"),
            st.sampled_from(["count", "sum"]),
            st.tuples(names.map(lambda n: ("ref", n))),
        ),
        st.just(("call", "position", (("dotdot",),))),
    )


trees = st.recursive(leaves, _trees, max_leaves=12)


@settings(max_examples=300)
@given(trees)
def test_parse_of_print_is_identity(tree):
    assert parse(to_text(tree)) == tree


small = st.integers(min_value=-(10**6), max_value=10**6)


@given(small, small, small)
def test_arithmetic_agrees_with_python(a, b, c):
    values = {"a": float(a), "b": float(b), "c": float(c)}
    assert ev("${a} + ${b} * ${c}", values) == a + b * c
    assert ev("(${a} - ${b}) * ${c}", values) == (a - b) * c
    assert ev("${a} - ${b} - ${c}", values) == a - b - c
    if b:
        assert ev("${a} div ${b}", values) == pytest.approx(a / b)
        assert ev("${a} mod ${b}", values) == math.fmod(a, b)
    assert ev("${a} < ${b}", values) == (a < b)
    assert ev("${a} = ${b}", values) == (a == b)
    assert ev("${a} >= ${b}", values) == (a >= b)


@given(st.lists(st.integers(min_value=-(10**6), max_value=10**6), max_size=30))
def test_count_and_sum_agree_with_python(numbers):
    inst = {"x": [float(n) for n in numbers]}
    assert agg("count(${x})", inst) == len(numbers)
    assert agg("sum(${x})", inst) == sum(numbers)


@given(st.booleans(), st.booleans())
def test_and_or_not_truth_tables(p, q):
    values = {"p": "yes" if p else "", "q": 1.0 if q else 0.0}
    assert ev("${p} and ${q}", values) == (p and q)
    assert ev("${p} or ${q}", values) == (p or q)
    assert ev("not(${p})", values) == (not p)
    assert ev("not(${p} and ${q}) = (not(${p}) or not(${q}))", values)


@given(st.text(max_size=30))
def test_any_text_parses_or_is_refused_cleanly(text):
    with contextlib.suppress(ExprError):
        parse(text)
