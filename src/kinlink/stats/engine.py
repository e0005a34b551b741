"""Computing indicator tables from the fact table, then protecting them.

``compute`` returns raw tables (never shown outside the statisticians' working view);
``protect`` applies rules 46-47 and returns what may be published. Every table carries the
number of records left out and why (rule 48).

Counts: one aggregate query per breakdown, with a conditional count per indicator, so a
release over a million cases scans the fact table a handful of times.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils.translation import gettext_lazy as _

from . import indicators as ind
from . import sdc
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


def compute(q: Query, params: Parameters) -> list[Result]:
    bands = ind.age_bands(params.age_bands)
    age_rows = [(label, label) for _lo, _hi, label in bands] + [("unknown", str(ind.UNKNOWN))]
    sex_cols = [(str(k), str(v)) for k, v in ind.SEX]
    total_label = str(_("Total"))
    wanted = [ind.get(code) for code in q.indicators]
    counts = [i for i in wanted if i.kind == "count"]
    medians = [i for i in wanted if i.kind == "median"]
    qs = base_queryset(q, params)
    ok = qs.filter(basis=Basis.OK)
    results = {i.code: Result(i.code, [], {}) for i in wanted}

    # records left out, by reason, per indicator
    if wanted:
        cond = {i.code: i.condition(q.period) for i in wanted}
        extra_median = {i.code: Q(**{f"{i.value_field}__isnull": False}) for i in medians}
        left = (
            qs.exclude(basis=Basis.OK)
            .values("basis")
            .annotate(
                **{
                    f"n_{code}": Count("pk", filter=c & extra_median.get(code, Q()))
                    for code, c in cond.items()
                }
            )
        )
        for row in left:
            for code in cond:
                if row[f"n_{code}"]:
                    results[code].left_out[row["basis"]] = row[f"n_{code}"]

    def grid_from(cells: dict, rows, cols):
        interior = [[cells.get((r, c), 0) for c, _l in cols] for r, _l in rows]
        return sdc.with_margins(interior)

    # ---- counts: age band x sex
    if counts:
        aggregates = {f"n_{i.code}": Count("pk", filter=i.condition(q.period)) for i in counts}
        per = defaultdict(dict)
        for row in ok.annotate(band=_age_expr(bands)).values("band", "sex").annotate(**aggregates):
            for i in counts:
                per[i.code][(row["band"], row["sex"])] = row[f"n_{i.code}"]
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
        for code in q.breakdowns:
            dim = ind.DIMENSIONS[code]
            key = _area_expr(q.geography_level) if code == "area" else dim.field
            per = defaultdict(dict)
            for row in ok.values(key).annotate(**aggregates):
                for i in counts:
                    per[i.code][row[key]] = row[f"n_{i.code}"]
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

    # ---- medians
    for i in medians:
        fields = ["band", "sex", *(_dim_field(q, d) for d in q.breakdowns), i.value_field]
        rows_ = (
            ok.filter(i.condition(q.period), **{f"{i.value_field}__isnull": False})
            .annotate(band=_age_expr(bands))
            .values_list(*fields)
        )
        groups: dict = defaultdict(list)
        for rec in rows_.iterator(chunk_size=5000):
            value = rec[-1]
            band, sex = rec[0], rec[1]
            for key in ((band, sex), (band, "total"), ("total", sex), ("total", "total")):
                groups[(AGE_SEX, key)].append(value)
            for d, cat in zip(q.breakdowns, rec[2:-1], strict=True):
                groups[(d, cat)].append(value)
                groups[(d, "total")].append(value)
        rows_all = age_rows + [("total", total_label)]
        cols_all = sex_cols + [("total", total_label)]
        vals = [
            [_median(groups.get((AGE_SEX, (r, c)))) for c, _l in cols_all] for r, _l in rows_all
        ]
        ns = [[len(groups.get((AGE_SEX, (r, c)), [])) for c, _l in cols_all] for r, _l in rows_all]
        results[i.code].tables.append(
            Table(i.code, AGE_SEX, "median", rows_all, cols_all, vals, ns)
        )
        for d in q.breakdowns:
            cats = _labels(
                ind.DIMENSIONS[d], {k for (dd, k) in groups if dd == d and k != "total"}
            ) + [("total", total_label)]
            results[i.code].tables.append(
                Table(
                    i.code,
                    d,
                    "median",
                    cats,
                    [("value", str(i.unit))],
                    [[_median(groups.get((d, k)))] for k, _l in cats],
                    [[len(groups.get((d, k), []))] for k, _l in cats],
                )
            )
    return [results[i.code] for i in wanted]


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
