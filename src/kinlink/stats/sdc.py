"""Statistical disclosure control: pure functions, no Django (DOMAIN.md 6.4, rules 46-47).

Tables
------
A two-way table is a grid of counts *with its margins*: ``grid[i][j]`` for the interior rows
``i < R`` and columns ``j < C``, row totals in column ``C``, column totals in row ``R`` and the
grand total at ``grid[R][C]``. Margins are counts about children too, so they are cells like any
other: a small row total is suppressed as well.

Protection criterion
--------------------
An intruder knows every published cell, that every cell is a non-negative number, and that rows
and columns add up to their totals. For each suppressed cell the intruder can compute the
feasible interval ``[lo, hi]`` (a linear programme). A *primary* cell (``0 < value <
threshold``) is protected when ``hi - lo >= threshold``: the intruder cannot narrow it to fewer
than ``threshold`` possible values, and in particular cannot prove that it is small.

Secondary suppression (the "hypercube" method of Repsilber, as used by tau-Argus, Giessing
2004; de Wolf 2002) picks for every primary cell ``p`` a rectangle of four suppressed cells
``p, q, r, w`` (two rows, two columns, margins allowed). Changing the suppressed cells along the
rectangle by ``+d, -d, -d, +d`` (signs adjusted on margins, see ``_signs``) keeps every row and
column total, so every such table is consistent with what was published. The rectangle is chosen
so that every cell that *decreases* holds at least ``threshold``: then ``d = threshold`` is
feasible and ``hi >= value + threshold``. Each primary cell has its own rectangle; adding more
suppressions never removes a feasible table, so the guarantee holds for all cells at once.

Linked tables: the tables of one indicator share only the grand total (one two-way table by age
band x sex, and one-way tables by other characteristics). Rectangles never use the grand total,
so each table's perturbations leave every other table untouched and the guarantee holds for the
linked set. When a primary cell cannot be protected without the grand total (or the grand total
itself is small) the whole indicator is withheld.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Cell = tuple[int, int]


def with_margins(interior: Sequence[Sequence[int]]) -> list[list[int]]:
    """The interior counts with a totals column, a totals row and the grand total."""
    rows = [list(map(int, r)) for r in interior]
    ncols = len(rows[0]) if rows else 0
    grid = [r + [sum(r)] for r in rows]
    grid.append([sum(r[j] for r in rows) for j in range(ncols)] + [sum(sum(r) for r in rows)])
    return grid


def is_primary(value: int | None, threshold: int) -> bool:
    """A count of at least one child but fewer than ``threshold`` (zero is published)."""
    return value is not None and 0 < value < threshold


@dataclass
class Suppression:
    suppressed: set[Cell] = field(default_factory=set)
    primary: set[Cell] = field(default_factory=set)
    withheld: bool = False

    @property
    def secondary(self) -> set[Cell]:
        return self.suppressed - self.primary


def _signs(grid, cell: Cell) -> int:
    """+1 for an interior cell or the grand total, -1 for a row or column total.

    With ``y = sign * x`` every row and every column of ``y`` (margins included) sums to zero,
    so ``+d, -d, -d, +d`` on the corners of any rectangle of ``y`` keeps all the equations."""
    last_r, last_c = len(grid) - 1, len(grid[0]) - 1
    margin = (cell[0] == last_r) + (cell[1] == last_c)
    return -1 if margin == 1 else 1


def _rectangles(grid, p: Cell):
    """Every rectangle with ``p`` at a corner that avoids the grand total, with the corners
    whose value decreases when ``p`` increases."""
    nr, nc = len(grid), len(grid[0])
    grand = (nr - 1, nc - 1)
    a, b = p
    sp = _signs(grid, p)
    for a2 in range(nr):
        if a2 == a:
            continue
        for b2 in range(nc):
            if b2 == b:
                continue
            q, r, w = (a, b2), (a2, b), (a2, b2)
            if grand in (p, q, r, w):
                continue
            # dy = +sp at p, -sp at q and r, +sp at w; dx = sign * dy
            falling = [c for c, dy in ((q, -sp), (r, -sp), (w, sp)) if _signs(grid, c) * dy < 0]
            yield (q, r, w), falling


def protect_table(
    grid: Sequence[Sequence[int]], threshold: int, *, forced: Iterable[Cell] = ()
) -> Suppression:
    """Primary and secondary suppression of a two-way table with margins.

    ``forced`` cells are suppressed whatever their value (e.g. shared with a withheld table).
    """
    nr, nc = len(grid), len(grid[0])
    grand = (nr - 1, nc - 1)
    result = Suppression()
    cells = [(i, j) for i in range(nr) for j in range(nc)]
    result.primary = {c for c in cells if is_primary(grid[c[0]][c[1]], threshold)}
    result.suppressed = set(result.primary) | set(forced)
    if grand in result.primary:
        return _withhold(grid, result)
    total = max(1, grid[grand[0]][grand[1]])
    # Hardest first: small cells in small rows/columns have the fewest partners.
    order = sorted(result.primary, key=lambda c: (grid[c[0]][c[1]], c))
    for p in order:
        best = None
        for corners, falling in _rectangles(grid, p):
            if any(grid[c[0]][c[1]] < threshold for c in falling):
                continue
            cost = 0.0
            for c in corners:
                if c in result.suppressed:
                    continue
                margin = c[0] == nr - 1 or c[1] == nc - 1
                # one more hidden cell, hidden margins cost more, then the least information
                cost += (3.0 if margin else 1.0) + grid[c[0]][c[1]] / (total + 1)
            if best is None or cost < best[0]:
                best = (cost, corners)
        if best is None:
            return _withhold(grid, result)
        result.suppressed.update(best[1])
    return result


def _withhold(grid, result: Suppression) -> Suppression:
    result.suppressed = {(i, j) for i in range(len(grid)) for j in range(len(grid[0]))}
    result.withheld = True
    return result


def protect_vector(values: Sequence[int], total: int, threshold: int) -> Suppression:
    """A one-way table (categories and their total): cells are ``(0, j)``, the total ``(0, n)``.

    Each primary cell is paired with another suppressed category holding at least
    ``threshold``: moving ``d <= threshold`` between the two keeps the total."""
    n = len(values)
    result = Suppression()
    result.primary = {(0, j) for j, v in enumerate(values) if is_primary(v, threshold)}
    if is_primary(total, threshold):
        result.primary.add((0, n))
    result.suppressed = set(result.primary)
    if (0, n) in result.primary:
        return _withhold([list(values) + [total]], result)
    for p in sorted(result.primary, key=lambda c: (values[c[1]], c)):
        partners = [
            (0 if (0, j) in result.suppressed else 1, v, j)
            for j, v in enumerate(values)
            if j != p[1] and v >= threshold
        ]
        if not partners:
            return _withhold([list(values) + [total]], result)
        result.suppressed.add((0, min(partners)[2]))
    return result


def round_to_base(value: int | None, base: int) -> int | None:
    """Conventional rounding to the nearest multiple of ``base`` (halves up); 0/1 = no rounding.

    Totals are rounded on their own (Eurostat practice), so a rounded table need not add up."""
    if value is None or base <= 1:
        return value
    return int(math.floor(value / base + 0.5)) * base


@dataclass
class KAnonymity:
    k: int
    smallest_class: int
    classes: int
    violating_classes: int
    violating_records: int

    @property
    def ok(self) -> bool:
        return self.violating_classes == 0


def k_anonymity(records: Iterable[Sequence], k: int) -> KAnonymity:
    """Check that every combination of quasi-identifiers is shared by at least ``k`` records."""
    sizes = Counter(tuple(r) for r in records)
    small = [n for n in sizes.values() if n < k]
    return KAnonymity(
        k=k,
        smallest_class=min(sizes.values(), default=0),
        classes=len(sizes),
        violating_classes=len(small),
        violating_records=sum(small),
    )
