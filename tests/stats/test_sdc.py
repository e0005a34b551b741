"""Disclosure control: primary and secondary suppression, rounding, k-anonymity.

The property tests play the intruder: a linear programme (scipy's HiGHS, a test-only tool,
independent of the suppression code) computes, from every published cell and the additivity of
rows and columns, the feasible interval of each suppressed cell.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kinlink.stats import sdc


def intervals(tables, suppressions, shared_grand=True):
    """Intruder's [lo, hi] for every suppressed cell of a set of linked tables.

    ``tables`` are grids with margins (2-D) or ``[values + [total]]`` (1-D); the linked tables
    share their grand total when ``shared_grand``."""
    index = {}
    for t, sup in enumerate(suppressions):
        for cell in sorted(sup.suppressed):
            index[(t, cell)] = len(index)
    n = len(index)
    if n == 0:
        return {}

    def term(t, cell):
        grid = tables[t]
        if (t, cell) in index:
            return index[(t, cell)], 0.0
        return None, float(grid[cell[0]][cell[1]])

    rows_a, rows_b = [], []

    def equation(plus, minus):
        coef = np.zeros(n)
        const = 0.0
        for sign, cells in ((1, plus), (-1, minus)):
            for t, cell in cells:
                k, v = term(t, cell)
                if k is None:
                    const += sign * v
                else:
                    coef[k] += sign
        if coef.any():
            rows_a.append(coef)
            rows_b.append(-const)

    grands = []
    for t, grid in enumerate(tables):
        nr, nc = len(grid), len(grid[0])
        if nr == 1:  # one-way: categories add up to the total
            equation([(t, (0, j)) for j in range(nc - 1)], [(t, (0, nc - 1))])
            grands.append((t, (0, nc - 1)))
            continue
        for i in range(nr):
            equation([(t, (i, j)) for j in range(nc - 1)], [(t, (i, nc - 1))])
        for j in range(nc):
            equation([(t, (i, j)) for i in range(nr - 1)], [(t, (nr - 1, j))])
        grands.append((t, (nr - 1, nc - 1)))
    if shared_grand:
        for g in grands[1:]:
            equation([grands[0]], [g])
    a_eq = np.array(rows_a) if rows_a else None
    b_eq = np.array(rows_b) if rows_b else None
    out = {}
    for key, k in index.items():
        c = np.zeros(n)
        c[k] = 1
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n, method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n, method="highs")
        assert lo.status == 0, "the published table must be consistent"
        upper = float("inf") if hi.status == 3 else -hi.fun
        out[key] = (lo.fun, upper)
    return out


def assert_protected(tables, sups, threshold):
    found = intervals(tables, sups)
    for t, (grid, sup) in enumerate(zip(tables, sups, strict=True)):
        for cell in sup.primary:
            lo, hi = found[(t, cell)]
            value = grid[cell[0]][cell[1]]
            assert lo - 1e-6 <= value <= hi + 1e-6
            assert hi - lo >= threshold - 1e-6, (t, cell, value, lo, hi, grid, sup)


# ----------------------------------------------------------------------- hand examples


def test_primary_cells_are_small_nonzero_counts_margins_included():
    grid = sdc.with_margins([[1, 20], [30, 40]])
    sup = sdc.protect_table(grid, 5)
    assert sup.primary == {(0, 0)}
    assert not sup.withheld
    # the partner cells of the rectangle are hidden too: nothing recovers the 1
    assert (0, 0) in sup.suppressed and len(sup.secondary) == 3


def test_single_small_cell_is_not_recoverable_from_totals():
    grid = sdc.with_margins([[3, 12, 9], [8, 15, 22], [11, 7, 30]])
    sup = sdc.protect_table(grid, 5)
    assert sup.primary == {(0, 0)}
    assert_protected([grid], [sup], 5)


def test_small_grand_total_withholds_the_table():
    grid = sdc.with_margins([[1, 2], [0, 1]])
    sup = sdc.protect_table(grid, 5)
    assert sup.withheld
    assert len(sup.suppressed) == 9


def test_no_partner_without_grand_total_withholds():
    grid = sdc.with_margins([[2]])  # one cell: only the grand total could hide it
    assert sdc.protect_table(grid, 5).withheld


def test_zero_is_published_and_nothing_small_means_nothing_hidden():
    grid = sdc.with_margins([[0, 12], [7, 40]])
    sup = sdc.protect_table(grid, 5)
    assert sup.suppressed == set()


def test_vector_pairs_each_small_category_with_a_big_one():
    sup = sdc.protect_vector([2, 30, 0, 15], 47, 5)
    assert sup.primary == {(0, 0)}
    assert sup.suppressed == {(0, 0), (0, 3)}  # the smallest big partner
    assert_protected([[[2, 30, 0, 15, 47]]], [sup], 5)


def test_vector_small_total_is_withheld():
    assert sdc.protect_vector([1, 2], 3, 5).withheld


def test_sensitive_threshold_suppresses_more():
    grid = sdc.with_margins([[7, 30], [25, 40]])
    assert sdc.protect_table(grid, 5).suppressed == set()
    sup = sdc.protect_table(grid, 10)
    assert sup.primary == {(0, 0)}
    assert_protected([grid], [sup], 10)


def test_rounding_to_base():
    assert [sdc.round_to_base(v, 5) for v in (0, 2, 3, 7, 12, 13, None)] == [
        0,
        0,
        5,
        5,
        10,
        15,
        None,
    ]
    assert sdc.round_to_base(13, 0) == 13


def test_k_anonymity():
    rows = [("0-4", "f", "TJ")] * 5 + [("5-9", "m", "AF")] * 2
    result = sdc.k_anonymity(rows, 5)
    assert not result.ok
    assert (result.smallest_class, result.violating_classes, result.violating_records) == (2, 1, 2)
    assert sdc.k_anonymity(rows[:5], 5).ok


# ----------------------------------------------------------------------- properties

small_or_big = st.one_of(st.integers(0, 9), st.integers(0, 60))


@st.composite
def interiors(draw):
    nrows = draw(st.integers(1, 5))
    ncols = draw(st.integers(1, 4))
    return [[draw(small_or_big) for _ in range(ncols)] for _ in range(nrows)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interiors(), st.sampled_from([3, 5, 10]))
def test_property_no_suppressed_cell_can_be_narrowed_below_threshold(interior, threshold):
    grid = sdc.with_margins(interior)
    sup = sdc.protect_table(grid, threshold)
    # every primary cell is hidden, and nothing small is published
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if 0 < v < threshold:
                assert (i, j) in sup.suppressed
    assert_protected([grid], [sup], threshold)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    interiors(),
    st.lists(st.integers(0, 40), min_size=1, max_size=5),
    st.sampled_from([5, 10]),
)
def test_property_linked_tables_sharing_the_grand_total(interior, other, threshold):
    """The age x sex table and a one-way table of the same children share the grand total."""
    grid = sdc.with_margins(interior)
    total = grid[-1][-1]
    # the one-way table is a different breakdown of the same total
    other = list(other)
    other[-1] += max(0, total - sum(other))
    if sum(other) != total:
        return
    sup2 = sdc.protect_table(grid, threshold)
    sup1 = sdc.protect_vector(other, total, threshold)
    if sup1.withheld or sup2.withheld:  # withholding one withholds the indicator
        return
    assert_protected([grid, [other + [total]]], [sup2, sup1], threshold)
