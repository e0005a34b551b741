"""Computing indicator tables from the fact table, then protecting them.

``compute`` returns raw tables (never shown outside the statisticians' working view);
``protect`` applies rules 46-47 and returns what may be published. Every table carries the
number of records left out and why (rule 48).

The tables are computed from the column store (``columns``: the facts packed by column, built
by the refresh) when the last refresh built it: the blocks a query may need are read, the
indicators' conditions evaluated and the records grouped with numpy. Otherwise, or for a
condition the store cannot evaluate, from the fact table: once for every count table and the
left-out counts (GROUPING SETS on PostgreSQL, one read grouped with numpy on SQLite) and once
for the medians. Both give the same tables (tests/stats/test_column_store.py; timings in
bench/stats/RESULTS.md).
"""

from __future__ import annotations

import operator
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import reduce

import numpy as np
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateTimeField,
    F,
    FloatField,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import columns, sdc
from . import indicators as ind
from .models import Basis, CaseFact

# The highest allowed geography per level: 0 = country, 1 = first-level administrative area,
# 2 = city. Rule 47: nothing below the SOP profile's stats_min_admin_level.
GEOGRAPHY_FIELDS = {0: "country", 1: "admin_area", 2: "city"}
GEOGRAPHY_LABELS = {0: _("Country"), 1: _("Administrative area"), 2: _("City")}
AGE_SEX = "age_sex"


@dataclass(frozen=True)
class Query:
    country: str
    period: ind.Period
    indicators: tuple[str, ...]
    breakdowns: tuple[str, ...] = ()
    geography_level: int = 0
    area: str = ""  # a value at geography_level 1 (an administrative area), or ""


@dataclass(frozen=True)
class Parameters:
    age_bands: str
    min_cell: int
    min_cell_sensitive: int
    rounding_base: int
    k: int
    max_admin_level: int

    @classmethod
    def from_sop(cls, sop) -> Parameters:
        return cls(
            age_bands=sop.stats_age_bands,
            min_cell=sop.stats_min_cell,
            min_cell_sensitive=sop.stats_min_cell_sensitive,
            rounding_base=sop.stats_rounding_base,
            k=sop.stats_k_anonymity,
            max_admin_level=sop.stats_min_admin_level,
        )

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class Table:
    indicator: str
    breakdown: str  # AGE_SEX or a dimension code
    kind: str  # count or median
    rows: list[tuple[str, str]]  # (code, label); the last is the total
    cols: list[tuple[str, str]]
    values: list[list[float | int | None]]  # margins included
    counts: list[list[int]] | None = None  # medians: records behind each cell
    flags: list[list[str]] = field(default_factory=list)  # "", primary, secondary, withheld


@dataclass
class Result:
    indicator: str
    tables: list[Table]
    left_out: dict[str, int]
    withheld: bool = False


def _age_expr(bands):
    whens = [When(age__gte=lo, age__lte=hi, then=Value(label)) for lo, hi, label in bands]
    return Case(*whens, default=Value("unknown"), output_field=CharField())


def _area_expr(level: int):
    return GEOGRAPHY_FIELDS[level]


def base_queryset(q: Query, params: Parameters):
    if q.geography_level > params.max_admin_level:
        raise ValueError("geography below the configured level")
    qs = CaseFact.objects.system("statistics").filter(country=q.country)
    if q.area:
        qs = qs.filter(admin_area=q.area)
    return qs


def _labels(dim: ind.Dimension | None, codes) -> list[tuple[str, str]]:
    if dim is not None and dim.choices:
        known = [(str(k), str(v)) for k, v in dim.choices]
        extra = sorted(set(codes) - {k for k, _v in known})
        return known + [(k, k or str(ind.UNKNOWN)) for k in extra]
    return [(k, k or str(ind.UNKNOWN)) for k in sorted(set(codes))]


def compute(q: Query, params: Parameters, *, store: bool | None = None) -> list[Result]:
    """Raw tables of the case indicators of ``q``: from the column store when the last refresh
    built it (``store=None``) or when asked (``store=True``), else from the fact table; both
    give the same tables (tests/stats/test_column_store.py)."""
    bands = ind.age_bands(params.age_bands)
    age_rows = [(label, label) for _lo, _hi, label in bands] + [("unknown", str(ind.UNKNOWN))]
    sex_cols = [(str(k), str(v)) for k, v in ind.SEX]
    total_label = str(_("Total"))
    wanted = [ind.get(code) for code in q.indicators]
    counts = [i for i in wanted if i.kind == "count"]
    medians = [i for i in wanted if i.kind == "median"]
    results = {i.code: Result(i.code, [], {}) for i in wanted}
    if not wanted:
        return []
    if q.geography_level > params.max_admin_level:
        raise ValueError("geography below the configured level")
    cond = {i.code: _sargable(i.condition(q.period)) for i in wanted}
    # a record that no indicator asked for counts cannot change any table: skip it early
    distinct = [c for n, c in enumerate(cond.values()) if c not in list(cond.values())[:n]]
    qs = base_queryset(q, params).filter(reduce(operator.or_, distinct))
    dims = {code: _dim_field(q, code) for code in q.breakdowns}
    band = _age_expr(bands)

    # ---- one pass for every count table and the records left out (rule 48)
    ok = Q(basis=Basis.OK)
    flags = {f"f_{i.code}": cond[i.code] & ok for i in counts}
    for i in wanted:
        extra = Q(**{f"{i.value_field}__isnull": False}) if i.kind == "median" else Q()
        flags[f"l_{i.code}"] = cond[i.code] & extra & ~ok
    sets = [("left", ("basis",))]
    if counts:
        sets += [(AGE_SEX, ("band", "sex"))] + [(code, (f,)) for code, f in dims.items()]
    median_sets = [
        (AGE_SEX, ("band", "sex")),
        (AGE_SEX, ("band",)),
        (AGE_SEX, ("sex",)),
        (AGE_SEX, ()),
    ] + [(code, (f,)) for code, f in dims.items()]
    values = {
        f"v_{i.code}": Case(
            When(cond[i.code] & ok, then=F(i.value_field)), default=None, output_field=FloatField()
        )
        for i in medians
    }
    got = None
    if store or (store is None and columns.available()):
        got = _column_cells(q, wanted, cond, distinct, bands, dims, sets, median_sets)
        if got is None and store:
            raise columns.Unsupported("the column store cannot answer this query")
    if got is not None:
        cells, groups = got
    elif connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # room to hash the groups and sort the medians' values in memory
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cells = _grouped_sums(qs.annotate(band=band), sets, flags)
            if medians:
                with_value = reduce(
                    operator.or_,
                    (cond[i.code] & Q(**{f"{i.value_field}__isnull": False}) for i in medians),
                )
                groups = _medians(
                    qs.filter(ok & with_value).annotate(band=band, **values),
                    ("band", "sex", *dims.values()),
                    median_sets,
                    list(values),
                )
    else:
        # one pass that reads the records; counts and medians are grouped here
        cells, groups = _fetched_cells(qs.annotate(band=band), sets, flags, median_sets, values)
    for row in cells["left"]:
        for i in wanted:
            if row[f"l_{i.code}"]:
                results[i.code].left_out[row["basis"]] = row[f"l_{i.code}"]

    def grid_from(cells: dict, rows, cols):
        interior = [[cells.get((r, c), 0) for c, _l in cols] for r, _l in rows]
        return sdc.with_margins(interior)

    # ---- counts: age band x sex
    if counts:
        per = defaultdict(dict)
        for row in cells[AGE_SEX]:
            for i in counts:
                per[i.code][(row["band"], row["sex"])] = row[f"f_{i.code}"]
        for i in counts:
            results[i.code].tables.append(
                Table(
                    i.code,
                    AGE_SEX,
                    "count",
                    age_rows + [("total", total_label)],
                    sex_cols + [("total", total_label)],
                    grid_from(per[i.code], age_rows, sex_cols),
                )
            )
        # ---- counts: one-way tables
        for code, key in dims.items():
            dim = ind.DIMENSIONS[code]
            per = defaultdict(dict)
            for row in cells[code]:
                for i in counts:
                    per[i.code][row[key]] = row[f"f_{i.code}"]
            seen = {k for d in per.values() for k, n in d.items() if n}
            rows = _labels(dim, seen)
            for i in counts:
                values = [per[i.code].get(r, 0) for r, _l in rows]
                results[i.code].tables.append(
                    Table(
                        i.code,
                        code,
                        "count",
                        rows + [("total", total_label)],
                        [("value", str(_("Number")))],
                        [[v] for v in values] + [[sum(values)]],
                    )
                )

    # ---- medians: (median, records) per cell
    for i in medians:
        got = groups[f"v_{i.code}"]

        def cell(key, got=got):
            return got.get(key, (None, 0))

        rows_all = age_rows + [("total", total_label)]
        cols_all = sex_cols + [("total", total_label)]
        keys = [
            [
                (AGE_SEX, (r if r != "total" else None, c if c != "total" else None))
                for c, _l in cols_all
            ]
            for r, _l in rows_all
        ]
        vals = [[cell(k)[0] for k in row] for row in keys]
        ns = [[cell(k)[1] for k in row] for row in keys]
        results[i.code].tables.append(
            Table(i.code, AGE_SEX, "median", rows_all, cols_all, vals, ns)
        )
        for code in dims:
            found = {k[1] for k in got if k[0] == code and k[1] is not None}
            cats = _labels(ind.DIMENSIONS[code], found) + [("total", total_label)]
            ks = [(code, k) if k != "total" else (AGE_SEX, (None, None)) for k, _l in cats]
            results[i.code].tables.append(
                Table(
                    i.code,
                    code,
                    "median",
                    cats,
                    [("value", str(i.unit))],
                    [[cell(k)[0]] for k in ks],
                    [[cell(k)[1]] for k in ks],
                )
            )
    return [results[i.code] for i in wanted]


def _grouped_sums(qs, sets, flags: dict[str, Q]) -> dict[str, list[dict]]:
    """How many records of ``qs`` meet each condition of ``flags``, per group of each of
    ``sets`` ((name, columns)), in one pass over the fact table.

    Each record carries the conditions it meets as the bits of one integer; the database
    counts records per group and bit pattern (few patterns occur), and the counts per
    condition are summed from the patterns here. PostgreSQL groups with GROUPING SETS;
    SQLite materialises the records once (a CTE) and groups them once per set."""
    columns = list(dict.fromkeys(c for _n, cols in sets for c in cols))
    names = list(flags)
    chunks = [names[k : k + 60] for k in range(0, len(names), 60)] or [[]]
    masks = {
        f"m_{j}": reduce(
            operator.add,
            [
                Case(When(flags[n], then=Value(1 << b)), default=Value(0))
                for b, n in enumerate(chunk)
            ],
            Value(0),
        )
        for j, chunk in enumerate(chunks)
    }
    for name in masks:
        masks[name].output_field = BigIntegerField()
    inner, params = qs.annotate(**masks).values(*columns, *masks).query.sql_with_params()
    groupings = list(dict.fromkeys(cols for _n, cols in sets))
    rows = _grouping_sets(
        inner, params, [*columns, *masks], [(*g, *masks) for g in groupings], ["COUNT(*)"]
    )
    width = len(columns)
    found: dict = defaultdict(dict)
    for g, row in rows:
        key = row[:width]
        sums = found[groupings[g]].get(key)
        if sums is None:
            sums = found[groupings[g]][key] = dict.fromkeys(names, 0)
        n = row[-1]
        for chunk, mask in zip(chunks, row[width:-1], strict=True):
            for b, name in enumerate(chunk):
                if mask >> b & 1:
                    sums[name] += n
    return {
        name: [dict(zip(columns, key, strict=True)) | sums for key, sums in found[cols].items()]
        for name, cols in sets
    }


def _grouping_sets(inner: str, params, columns, groupings, aggregates) -> list[tuple]:
    """(index of the grouping, row of the columns then the aggregates) for each group of each
    grouping of the rows of ``inner``; a column outside the grouping is None."""
    cols = ", ".join(qn(c) for c in columns)
    aggs = ", ".join(aggregates)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            masks = {
                sum(1 << (len(columns) - 1 - j) for j, c in enumerate(columns) if c not in g): n
                for n, g in enumerate(groupings)
            }
            sets = ", ".join(f"({', '.join(qn(c) for c in g)})" for g in groupings)
            cursor.execute(
                f"SELECT GROUPING({cols}), {cols}, {aggs} "  # noqa: S608
                f"FROM ({inner} OFFSET 0) s GROUP BY GROUPING SETS ({sets})",
                params,
            )
            return [(masks[row[0]], row[1:]) for row in cursor.fetchall()]
        parts = []
        for n, g in enumerate(groupings):
            picked = ", ".join(qn(c) if c in g else f"NULL AS {qn(c)}" for c in columns)
            by = f" GROUP BY {', '.join(qn(c) for c in g)}" if g else ""
            parts.append(f"SELECT {n}, {picked}, {aggs} FROM s{by}")  # noqa: S608
        cursor.execute(f"WITH s AS MATERIALIZED ({inner}) {' UNION ALL '.join(parts)}", params)
        return [(row[0], row[1:]) for row in cursor.fetchall()]


def _medians(qs, columns, sets, value_columns) -> dict[str, dict]:
    """Median and number of records of each value column per group of each set.

    Returns {value column: {(set name, key): (median rounded to 0.1, n)}} where the key is
    the tuple of the set's column values (a single value for a one-column set other than
    age x sex); a column left out of a set is None. The median is that of
    ``statistics.median``: the middle value, or the mean of the two middle values."""
    out: dict[str, dict] = {v: {} for v in value_columns}
    inner, params = qs.values(*columns, *value_columns).query.sql_with_params()
    if connection.vendor == "postgresql":
        picks = []
        for v in value_columns:
            order = f"WITHIN GROUP (ORDER BY {qn(v)})"
            picks += [
                f"COUNT({qn(v)})",
                f"percentile_disc(0.5) {order}",
                f"percentile_disc(0.5 + 1e-9) {order}",  # the upper middle when n is even
            ]
        groupings = [cols for _name, cols in sets]
        width = len(columns)
        for g, row in _grouping_sets(inner, params, columns, groupings, picks):
            name, cols = sets[g]
            key = _set_key(name, cols, dict(zip(columns, row[:width], strict=True)))
            for j, v in enumerate(value_columns):
                n, lo, hi = row[width + 3 * j : width + 3 * j + 3]
                if n:
                    mid = lo if n % 2 else (lo + hi) / 2
                    out[v][key] = (round(float(mid), 1), n)
        return out
    raise NotImplementedError("medians in SQL need PostgreSQL")


def _fetched_cells(qs, sets, flags: dict[str, Q], median_sets, values: dict):
    """``_grouped_sums`` and ``_medians`` from one read of the records, grouped here with
    numpy (SQLite: a GROUP BY per table costs about as much as reading the records once)."""
    columns = list(dict.fromkeys(c for _n, cols in [*sets, *median_sets] for c in cols))
    names = list(flags)
    chunks = [names[k : k + 62] for k in range(0, len(names), 62)] or [[]]
    masks = {}
    for j, chunk in enumerate(chunks):
        masks[f"m_{j}"] = reduce(
            operator.add,
            [
                Case(When(flags[n], then=Value(1 << b)), default=Value(0))
                for b, n in enumerate(chunk)
            ],
            Value(0),
        )
        masks[f"m_{j}"].output_field = BigIntegerField()
    inner, params = (
        qs.annotate(**masks, **values).values(*columns, *masks, *values).query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(inner, params)
        rows = cursor.fetchall()
    width = len(columns)
    data = list(zip(*rows, strict=True)) or [()] * (width + len(masks) + len(values))
    codes, uniques = [], []
    for j in range(width):
        index: dict = {}
        codes.append(np.array([index.setdefault(x, len(index)) for x in data[j]], dtype=np.int64))
        uniques.append(list(index))
    mask_arrays = [np.array(data[width + j], dtype=np.int64) for j in range(len(masks))]
    value_arrays = {
        v: np.array(data[width + len(masks) + j], dtype=float) for j, v in enumerate(values)
    }
    return _group(sets, median_sets, columns, codes, uniques, chunks, mask_arrays, value_arrays)


def _group(sets, median_sets, columns, codes, uniques, chunks, mask_arrays, value_arrays):
    """Count cells and medians per group of each set, from one array per record and column:
    ``codes`` (into ``uniques``) of the grouping columns, the conditions each record meets as
    bits of the ``mask_arrays`` (the names in ``chunks``), and its values (NaN: none)."""
    names = [n for chunk in chunks for n in chunk]
    size = len(codes[0]) if codes else len(mask_arrays[0]) if mask_arrays else 0
    mask_codes = []  # (code per record, pattern per code) of each mask column
    for array in mask_arrays:
        patterns, inverse = np.unique(array, return_inverse=True)
        mask_codes.append((inverse.astype(np.int64), patterns.tolist()))
    cells: dict = {}
    for name, cols in sets:
        group = _group_codes(cols, columns, codes, uniques, size)
        found: dict = {}
        if size:
            # one integer per (group, patterns of conditions): count them with bincount
            combined = group
            for mc in mask_codes:
                combined = combined * len(mc[1]) + mc[0]
            counts = np.bincount(combined)
            for code in np.flatnonzero(counts).tolist():
                n = int(counts[code])
                patterns = []
                for mc in reversed(mask_codes):
                    code, r = divmod(code, len(mc[1]))
                    patterns.append(mc[1][r])
                key = _decode(code, cols, columns, uniques)
                sums = found.get(key)
                if sums is None:
                    sums = found[key] = dict.fromkeys(names, 0)
                for chunk, m in zip(chunks, reversed(patterns), strict=True):
                    for b, flag in enumerate(chunk):
                        if m >> b & 1:
                            sums[flag] += n
        cells[name] = [dict(zip(cols, k, strict=True)) | sums for k, sums in found.items()]
    groups: dict[str, dict] = {v: {} for v in value_arrays}
    for v, vals in value_arrays.items():
        has = ~np.isnan(vals)
        vals = vals[has]
        if not len(vals):
            continue
        # sorted by value once (equal values are interchangeable); each set's groups then by
        # a stable sort of their codes (a radix sort when they fit in 16 bits)
        by_value = np.argsort(vals)
        vals = vals[by_value]
        for name, cols in median_sets:
            group = _group_codes(cols, columns, codes, uniques, size)[has][by_value]
            if len(group) and group.max() < 2**15:
                group = group.astype(np.int16)
            order = np.argsort(group, kind="stable")
            sorted_vals, sorted_group = vals[order], group[order]
            starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
            ends = np.r_[starts[1:], len(sorted_group)]
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
                n = e - s
                key = dict(
                    zip(cols, _decode(int(sorted_group[s]), cols, columns, uniques), strict=True)
                )
                lo, hi = float(sorted_vals[s + (n - 1) // 2]), float(sorted_vals[s + n // 2])
                mid = lo if n % 2 else (lo + hi) / 2
                groups[v][_set_key(name, cols, key)] = (round(mid, 1), n)
    return cells, groups


def _column_cells(q: Query, wanted, cond, distinct, bands, dims, sets, median_sets):
    """``_fetched_cells`` from the column store (``columns``): the same cells and medians, or
    None when a condition is one the store cannot evaluate."""
    try:
        needed = {"basis", "age", "sex", *dims.values()}
        for c in cond.values():
            needed |= columns.fields_of(c)
        needed |= {i.value_field for i in wanted if i.kind == "median"}
        if not needed <= {*columns.KINDS, *columns.KEYS}:
            return None
        read = columns.read(q.country, q.area, needed, distinct)
        t = read.table
        met = {}
        for code, c in cond.items():
            same = next((k for k in met if cond[k] == c), None)
            met[code] = met[same] if same else columns.evaluate(c, t)
    except columns.Unsupported:
        return None
    ok = columns.evaluate(Q(basis=Basis.OK), t)
    flags, values = {}, {}
    for i in wanted:
        if i.kind == "count":
            flags[f"f_{i.code}"] = met[i.code] & ok
    for i in wanted:
        extra = ~np.isnan(t.arrays[i.value_field]) if i.kind == "median" else True
        flags[f"l_{i.code}"] = met[i.code] & extra & ~ok
    for i in wanted:
        if i.kind == "median":
            values[f"v_{i.code}"] = np.where(met[i.code] & ok, t.arrays[i.value_field], np.nan)
    # only the records some condition counts (the fact-table queries filter them first)
    keep = reduce(np.logical_or, [*flags.values(), *(~np.isnan(v) for v in values.values())])
    keep = np.flatnonzero(keep) if len(keep) else np.zeros(0, np.int64)
    names = list(flags)
    chunks = [names[k : k + 62] for k in range(0, len(names), 62)] or [[]]
    mask_arrays = []
    for chunk in chunks:
        mask = np.zeros(len(keep), dtype=np.int64)
        for b, name in enumerate(chunk):
            mask |= flags[name][keep].astype(np.int64) << b
        mask_arrays.append(mask)
    values = {v: a[keep] for v, a in values.items()}
    group_cols = list(dict.fromkeys(c for _n, cols in [*sets, *median_sets] for c in cols))
    codes, uniques = [], []
    for col in group_cols:
        if col == "band":
            age = t.arrays["age"][keep]
            band = np.full(len(keep), len(bands), dtype=np.int64)
            has = age != columns.NULLS["int"]
            for k, (lo, hi, _label) in reversed(list(enumerate(bands))):
                band[has & (age >= lo) & (age <= hi)] = k
            codes.append(band)
            uniques.append([label for _lo, _hi, label in bands] + ["unknown"])
        else:
            codes.append(t.arrays[col][keep].astype(np.int64))
            uniques.append(list(t.labels[col]))
    return _group(sets, median_sets, group_cols, codes, uniques, chunks, mask_arrays, values)


def _group_codes(cols, columns, codes, uniques, n: int):
    group = np.zeros(n, dtype=np.int64)
    for c in cols:
        k = columns.index(c)
        group = group * len(uniques[k]) + codes[k]
    return group


def _decode(code: int, cols, columns, uniques) -> tuple:
    parts = []
    for c in reversed(cols):
        k = columns.index(c)
        code, r = divmod(code, len(uniques[k]))
        parts.append(uniques[k][r])
    return tuple(reversed(parts))


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _set_key(name: str, cols, values: dict):
    if name == AGE_SEX:
        return (name, (values.get("band"), values.get("sex")))
    return (name, values[cols[0]])


_DATE_RANGE = {"gte": ("gte", 0), "gt": ("gte", 1), "lte": ("lt", 1), "lt": ("lt", 0)}


def _sargable(cond: Q) -> Q:
    """The same condition with ``<datetime>__date__<op>=<date>`` as a range on the datetime.

    Equivalent (the day starts at midnight in the current time zone, as ``__date`` takes it),
    but compared on the column itself: no per-row date conversion (a Python function on
    SQLite) and an index can serve it."""
    out = Q()
    out.connector, out.negated = cond.connector, cond.negated
    tz = timezone.get_current_timezone()
    for child in cond.children:
        if isinstance(child, Q):
            out.children.append(_sargable(child))
            continue
        if not (isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str)):
            out.children.append(child)
            continue
        lookup, value = child
        parts = lookup.split("__")
        if parts[-1] == "date":
            parts.append("exact")
        field, op = "__".join(parts[:-2]), parts[-1]
        if (
            len(parts) < 3
            or parts[-2] != "date"
            or type(value) is not date
            or value == date.max
            or op not in (*_DATE_RANGE, "exact")
            or not isinstance(_field_or_none(field), DateTimeField)
        ):
            out.children.append(child)
            continue

        def start(day, days=0):
            return datetime.combine(day + timedelta(days=days), dt_time.min, tzinfo=tz)

        if op == "exact":
            out.children.append(
                Q(**{f"{field}__gte": start(value), f"{field}__lt": start(value, 1)})
            )
        else:
            to, days = _DATE_RANGE[op]
            out.children.append((f"{field}__{to}", start(value, days)))
    return out


def _field_or_none(name: str):
    try:
        return CaseFact._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _dim_field(q: Query, code: str) -> str:
    return _area_expr(q.geography_level) if code == "area" else ind.DIMENSIONS[code].field


def _median(values) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def threshold_for(indicator_code: str, params: Parameters) -> int:
    sensitive = ind.get(indicator_code).sensitive
    return params.min_cell_sensitive if sensitive else params.min_cell


def protect(results: list[Result], params: Parameters) -> list[Result]:
    """Suppress (primary and secondary), withhold, round; margins stay with their tables."""
    for res in results:
        t = threshold_for(res.indicator, params)
        sups = []
        for table in res.tables:
            if table.kind == "median":
                sup = sdc.Suppression()
                for i, row in enumerate(table.counts or []):
                    for j, n in enumerate(row):
                        if n < t:
                            sup.suppressed.add((i, j))
                            if n:
                                sup.primary.add((i, j))
            elif table.breakdown == AGE_SEX:
                sup = sdc.protect_table(table.values, t)
            else:
                vals = [r[0] for r in table.values[:-1]]
                one = sdc.protect_vector(vals, table.values[-1][0], t)
                sup = sdc.Suppression(
                    {(j, 0) for (_z, j) in one.suppressed},
                    {(j, 0) for (_z, j) in one.primary},
                    one.withheld,
                )
            sups.append(sup)
        count_withheld = any(s.withheld for s, tb in zip(sups, res.tables, strict=True))
        res.withheld = count_withheld
        for table, sup in zip(res.tables, sups, strict=True):
            flags = []
            for i, row in enumerate(table.values):
                flag_row = []
                for j, value in enumerate(row):
                    if count_withheld and table.kind == "count":
                        flag = "withheld"
                    elif (i, j) in sup.primary:
                        flag = "primary"
                    elif (i, j) in sup.suppressed:
                        flag = "secondary"
                    else:
                        flag = ""
                    flag_row.append(flag)
                    if flag:
                        row[j] = None
                    elif table.kind == "count":
                        row[j] = sdc.round_to_base(value, params.rounding_base)
                flags.append(flag_row)
            table.flags = flags
            table.counts = None  # never published
        # left-out counts are counts too: small ones are shown as "fewer than t"
        res.left_out = {k: (None if sdc.is_primary(v, t) else v) for k, v in res.left_out.items()}
    return results


def mark(results: list[Result], params: Parameters) -> list[Result]:
    """The statisticians' working view: raw values, with the flags protection would set."""
    import copy

    protected = protect(copy.deepcopy(results), params)
    for raw, prot in zip(results, protected, strict=True):
        raw.withheld = prot.withheld
        for rt, pt in zip(raw.tables, prot.tables, strict=True):
            rt.flags = pt.flags
    return results


def as_json(results: list[Result]) -> list[dict]:
    out = []
    for res in results:
        meta = ind.get(res.indicator)
        for table in res.tables:
            out.append(
                {
                    "indicator": res.indicator,
                    "hxl": meta.hxl,
                    "kind": table.kind,
                    "breakdown": table.breakdown,
                    "rows": [list(r) for r in table.rows],
                    "cols": [list(c) for c in table.cols],
                    "values": table.values,
                    "flags": table.flags,
                    "left_out": res.left_out,
                    "withheld": res.withheld,
                }
            )
    return out
