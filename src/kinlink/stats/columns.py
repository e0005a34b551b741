"""The column store: the case facts packed by column, the summary level the statistics are
computed from (issue 6; bench/stats/RESULTS.md).

``build()`` runs at the end of the fact refresh, in its transaction: it reads the fact table
once and writes its records in blocks (``FactChunk``) of at most ``CHUNK`` records of one
country and administrative area, each column of a block as one packed numpy array
(``FactColumn``): dates as days since 1970-01-01, times as microseconds since the epoch (UTC),
categories as codes into the block's labels, durations as float64 (the exact values of the
fact table: medians stay exact). Within an area the records are ordered by the last date they
carry (registration, identification, closure, reunification; an open case last), and each
block keeps the smallest and largest value of every column (``zones``), so a query skips the
blocks of cases whose whole story ended before its period without reading them.

``read()`` gives ``engine.compute`` (``_column_cells``) the columns a query needs, and it
computes the same count cells and medians as its fact-table queries from them: the
indicators' conditions (``Q`` objects) are evaluated on the arrays by ``evaluate`` with the
ORM's semantics for the lookups it knows (exact, in, gt, gte, lt, lte, isnull on a fact
field; a comparison with a null is false, a negation is the complement, as the ORM's
``NOT (... AND col IS NOT NULL)``). A condition it does not know raises ``Unsupported``: that
query is computed from the fact table. Reading the packed columns of the blocks a query needs
(some tens of MB at a million cases) costs far less than having the database evaluate, group
and sort the records (bench/stats/RESULTS.md).

Nothing here is shown to anyone: like ``CaseFact`` it is record-level data, read only through
``.system("statistics")``, and only protected tables leave the statistics app.
"""

from __future__ import annotations

import operator
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce

import numpy as np
from django.db import connection
from django.db.models import Q

from .models import CaseFact, FactChunk, FactColumn, FactsRefresh

REASON = "statistics"
CHUNK = 8192  # records per block (below 32768: codes into its labels fit in two bytes)
EPOCH_DAY = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# fact field -> kind of column; "country" and "admin_area" are the blocks' keys
KINDS = {
    "city": "text",
    "basis": "text",
    "status": "text",
    "stage": "text",
    "risk_level": "text",
    "identified_at": "time",
    "registered_on": "date",
    "closed_on": "date",
    "age": "int",
    "sex": "text",
    "nationality": "text",
    "migratory_status": "text",
    "protection_status": "text",
    "disability": "text",
    "birth_registration": "text",
    "statelessness_risk": "bool",
    "hours_to_first_assessment": "float",
    "days_to_case_plan": "float",
    "separation_date": "date",
    "reunified_on": "date",
    "days_to_reunification": "float",
}
KEYS = ("country", "admin_area")
# stored types (categories: one or two bytes, see ``_code_type``; durations: float64, NaN null)
DTYPES = {"date": np.int32, "time": np.int64, "int": np.int32, "bool": np.int8}
NULLS = {kind: np.iinfo(t).min for kind, t in DTYPES.items()}  # a null date, time, int, bool


class Unsupported(Exception):
    """A condition the column store cannot evaluate: the fact table answers the query."""


# ----------------------------------------------------------------------- building


def _select_sql(vendor: str, only: bool = False):
    """Every fact, with dates as days and times as microseconds since 1970 (UTC); with
    ``only``, the list of the expressions of the stored columns."""
    out = []
    for name in KINDS if only else (*KEYS, *KINDS):
        col = CaseFact._meta.get_field(name).column
        kind = KINDS.get(name, "text")
        if kind == "date":
            out.append(
                f"({col} - DATE '1970-01-01')"
                if vendor == "postgresql"
                else f"CAST(julianday({col}) - 2440587.5 AS INTEGER)"
            )
        elif kind == "time":
            out.append(
                f"(EXTRACT(EPOCH FROM {col}) * 1000000)::bigint"
                if vendor == "postgresql"
                # 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds, then the microseconds
                else f"(CAST(strftime('%s', substr({col}, 1, 19)) AS INTEGER) * 1000000"
                f" + CAST(substr({col}, 21) AS INTEGER))"
            )
        elif kind == "bool":
            out.append(f"CAST({col} AS integer)")
        else:
            out.append(col)
        if kind in ("date", "time", "int", "bool"):  # a null as the column's null value
            out[-1] = f"COALESCE({out[-1]}, {NULLS[kind]})"
    if only:
        return out
    return f"SELECT {', '.join(out)} FROM {CaseFact._meta.db_table}"  # noqa: S608


def _raw_cursor():
    """A cursor that reads bytea and numbers in binary on PostgreSQL (hex text is 3x slower)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        import psycopg

        # Django's cursors bind on the client, which cannot ask for binary results
        return _Binary(psycopg.Cursor(connection.connection))
    return connection.cursor()


class _Binary:
    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql, params=None):
        return self.cursor.execute(sql, params, binary=True)

    def fetchmany(self, size):
        return self.cursor.fetchmany(size)

    def fetchall(self):
        return self.cursor.fetchall()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cursor.close()


def _encode(name: str, values: tuple, labels: dict | None) -> np.ndarray:
    kind = KINDS.get(name, "text")
    if kind == "text":
        for v in set(values) - labels.keys():
            labels[v] = len(labels)
        return np.fromiter(map(labels.__getitem__, values), dtype=np.int32, count=len(values))
    if kind == "float":
        return np.array(values, dtype=np.float64)  # a null is NaN
    return np.array(values, dtype=np.int64).astype(DTYPES[kind])


def _read_rows() -> tuple[dict, dict]:
    """Every fact as arrays, read row by row (SQLite): ({column: array}, {column: labels})."""
    names = [*KEYS, *KINDS]
    labels: dict[str, dict] = {n: {} for n in names if KINDS.get(n, "text") == "text"}
    parts: dict[str, list] = {n: [] for n in names}
    with _raw_cursor() as cursor:
        cursor.execute(_select_sql(connection.vendor))
        while rows := cursor.fetchmany(50_000):
            for name, values in zip(names, zip(*rows, strict=True), strict=True):
                parts[name].append(_encode(name, values, labels.get(name)))
    cols = {n: np.concatenate(p) if p else np.zeros(0, np.int64) for n, p in parts.items()}
    return cols, {n: list(lab) for n, lab in labels.items()}


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_BINARY = {  # PostgreSQL: (SQL type sent, numpy type of its binary form)
    "date": ("int4", ">i4"),
    "time": ("int8", ">i8"),
    "int": ("int4", ">i4"),
    "bool": ("int4", ">i4"),
    "float": ("float8", ">f8"),
    "text": ("int4", ">i4"),
}


def _read_copy() -> tuple[dict, dict]:
    """Every fact as arrays (PostgreSQL): the categories are coded by the server (their place
    in the list of their values, found first), and the rows come as a binary COPY of fixed
    width that numpy reads as it is, some 16 MB at a time. Several times faster than reading
    a million rows into Python."""
    import psycopg
    from psycopg import pq, sql

    table = CaseFact._meta.db_table
    names = [*KEYS, *KINDS]
    texts = [n for n in names if KINDS.get(n, "text") == "text"]
    column = {n: CaseFact._meta.get_field(n).column for n in names}
    labels: dict[str, list] = {n: [] for n in texts}
    with _raw_cursor() as cursor:
        cols = ", ".join(column[n] for n in texts)
        sets = ", ".join(f"({column[n]})" for n in texts)
        cursor.execute(
            f"SELECT GROUPING({cols}), {cols} FROM {table} GROUP BY GROUPING SETS ({sets})"  # noqa: S608
        )
        width = len(texts)
        for mask, *values in cursor.fetchall():
            j = next(k for k in range(width) if not mask >> (width - 1 - k) & 1)
            labels[texts[j]].append(values[j])
    exprs = dict(zip(KINDS, _select_sql("postgresql", only=True), strict=True))
    selects, dtype = [], [("n", ">i2")]
    for n in names:
        kind = KINDS.get(n, "text")
        if kind == "text":
            expr = sql.SQL("COALESCE(array_position({}::text[], {}::text), 0)").format(
                sql.Literal(labels[n]), sql.Identifier(column[n])
            )
        elif kind == "float":  # a null would make the row shorter: NaN instead
            expr = sql.SQL("COALESCE({}, 'NaN'::float8)").format(sql.SQL(exprs[n]))
        else:
            expr = sql.SQL(exprs[n])  # fixed expressions of the model's columns
        selects.append(sql.SQL("({})::{}").format(expr, sql.SQL(_BINARY[kind][0])))
        dtype += [(f"{n}__len", ">i4"), (n, _BINARY[kind][1])]
    query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT BINARY)").format(
        sql.SQL(", ").join(selects), sql.Identifier(table)
    )
    row = np.dtype(dtype)
    parts: dict[str, list] = {n: [] for n in names}
    buffer = bytearray()
    header = 19  # signature, flags, header extension (empty)

    def take(final: bool = False) -> None:
        """The whole rows received so far, column by column in their compact types."""
        nonlocal buffer, header
        if header and buffer[:11] + buffer[15:19] != _COPY_SIGNATURE + bytes(4):
            raise RuntimeError("unexpected binary COPY header")
        body = memoryview(buffer)[header:]
        end = len(body) - (2 if final else 0)  # the trailer: -1 as int16
        whole = end // row.itemsize * row.itemsize
        if whole:
            rows = np.frombuffer(body[:whole], dtype=row)
            if (rows["n"] != len(names)).any():
                raise RuntimeError("unexpected binary COPY layout")
            for n in names:
                kind = KINDS.get(n, "text")
                if kind == "text":  # array_position counts from 1
                    parts[n].append(rows[n].astype(np.int32) - 1)
                else:
                    parts[n].append(rows[n].astype(np.float64 if kind == "float" else DTYPES[kind]))
            del rows
        body.release()
        buffer = buffer[header + whole :]
        header = 0

    connection.ensure_connection()
    conn = connection.connection
    text = query.as_string(conn).encode()
    # libpq's own loop: the server sends one message per row, and a million trips through
    # psycopg's generators cost seconds
    with conn.lock:
        pgconn = conn.pgconn
        pgconn.send_query(text)
        result = pgconn.get_result()
        if result is None or result.status != pq.ExecStatus.COPY_OUT:
            message = result.error_message if result is not None else pgconn.error_message
            while pgconn.get_result() is not None:
                pass
            raise psycopg.DatabaseError(message.decode(errors="replace"))
        size = 0
        try:
            while True:
                size, data = pgconn.get_copy_data(0)
                if size < 0:
                    break
                buffer += data
                if len(buffer) >= 16 << 20:
                    take()
        finally:
            while size >= 0:  # after an error here: the rest of the COPY, so the connection
                size, _data = pgconn.get_copy_data(0)  # stays usable
            failed = None
            while (result := pgconn.get_result()) is not None:
                if result.status != pq.ExecStatus.COMMAND_OK:
                    failed = result.error_message.decode(errors="replace")
        if failed is not None:
            raise psycopg.DatabaseError(failed)
    take(final=True)
    if len(buffer) != 2:
        raise RuntimeError("unexpected binary COPY layout")
    cols = {n: np.concatenate(p) if p else np.zeros(0, np.int32) for n, p in parts.items()}
    return cols, labels


def build(timings: dict | None = None) -> int:
    """Rebuild the column store from the fact table (call inside the refresh's transaction).
    ``timings`` receives the seconds of each step (for the benchmark)."""
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - clock
        clock = time.perf_counter()

    read = _read_copy if connection.vendor == "postgresql" else _read_rows
    cols, texts = read()
    step("read")
    with connection.cursor() as cursor:
        for model in (FactColumn, FactChunk):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    if not len(cols["country"]):
        return 0
    # the last date a record carries (an open case: after every date), to skip whole blocks
    day = 86_400_000_000
    big = np.iinfo(np.int64).max
    last = np.maximum(cols["registered_on"].astype(np.int64), cols["identified_at"] // day)
    closed = cols["closed_on"].astype(np.int64)
    last = np.maximum(last, np.where(closed == NULLS["date"], big, closed))
    last = np.maximum(last, cols["reunified_on"].astype(np.int64))
    order = np.lexsort((last, cols["admin_area"], cols["country"]))
    for name in cols:  # one column at a time: the unsorted copy is freed at once
        cols[name] = cols[name][order]
    n = len(order)
    step("delete and sort")
    starts = np.flatnonzero(
        np.r_[True, (cols["country"][1:] != cols["country"][:-1])]
        | np.r_[True, (cols["admin_area"][1:] != cols["admin_area"][:-1])]
    ).tolist()
    bounds = []
    for s, e in zip(starts, [*starts[1:], n], strict=True):
        bounds += [(a, min(a + CHUNK, e)) for a in range(s, e, CHUNK)]
    columns = []
    for s, e in bounds:
        zones, data = {}, {}
        for name in KINDS:
            zones[name], data[name] = _pack(name, cols[name][s:e], texts.get(name))
        step("pack")
        chunk = FactChunk.objects.create(
            country=texts["country"][cols["country"][s]],
            admin_area=texts["admin_area"][cols["admin_area"][s]],
            rows=e - s,
            zones=zones,
        )
        columns += [FactColumn(chunk=chunk, name=k, data=v) for k, v in data.items()]
        if len(columns) >= 500:
            FactColumn.objects.bulk_create(columns)
            columns = []
        step("write")
    FactColumn.objects.bulk_create(columns)
    step("write")
    return n


def _code_type(labels) -> type:
    """Codes into a block's labels: one byte when they fit (most categories), else two."""
    return np.int8 if len(labels) <= 127 else np.int16


def _pack(name: str, values: np.ndarray, texts: list | None) -> tuple:
    """(zone, bytes) of one column of a block."""
    kind = KINDS[name]
    if kind == "text":
        present, codes = np.unique(values, return_inverse=True)
        return [texts[k] for k in present.tolist()], codes.astype(_code_type(present)).tobytes()
    if kind == "float":
        has = ~np.isnan(values)
        nulls = int(len(values) - has.sum())
        if not has.any():
            return [None, None, nulls], values.tobytes()
        return [float(values[has].min()), float(values[has].max()), nulls], values.tobytes()
    has = values != NULLS[kind]
    nulls = int(len(values) - has.sum())
    packed = values.astype(DTYPES[kind])
    packed[~has] = NULLS[kind]
    if not has.any():
        return [None, None, nulls], packed.tobytes()
    return [int(values[has].min()), int(values[has].max()), nulls], packed.tobytes()


# ----------------------------------------------------------------------- conditions


def _key(kind: str, value):
    """The stored form of a value compared with a column of ``kind``."""
    if kind == "date" and type(value) is date:
        return (value - EPOCH_DAY).days
    if kind == "time" and isinstance(value, datetime) and value.tzinfo is not None:
        return (value - EPOCH) // timedelta(microseconds=1)
    if kind == "int" and type(value) is int:
        return value
    if kind == "float" and type(value) in (int, float):
        return value
    if kind == "bool" and type(value) is bool:
        return int(value)
    if kind == "text" and isinstance(value, str):
        return value
    raise Unsupported(f"{kind} compared with {value!r}")


_COMPARE = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "exact": operator.eq,
}


def _lookup(child) -> tuple[str, str, object]:
    if not (isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str)):
        raise Unsupported(repr(child))
    name, _sep, lookup = child[0].partition("__")
    lookup = lookup or "exact"
    if name == "pk":
        raise Unsupported(name)
    if name not in KINDS and name not in KEYS:
        raise Unsupported(name)
    if lookup not in (*_COMPARE, "in", "isnull"):
        raise Unsupported(lookup)
    return name, lookup, child[1]


def fields_of(q: Q) -> set[str]:
    """The fact fields a condition reads; raises ``Unsupported`` for any other condition."""
    if q.connector not in (Q.AND, Q.OR):
        raise Unsupported(q.connector)
    out = set()
    for child in q.children:
        if isinstance(child, Q):
            out |= fields_of(child)
        else:
            out.add(_lookup(child)[0])
    return out


class Table:
    """The columns of the blocks read for a query, concatenated (categories as codes into one
    list of labels per column)."""

    def __init__(self, n: int, arrays: dict, labels: dict):
        self.n, self.arrays, self.labels = n, arrays, labels

    def kind(self, name: str) -> str:
        return KINDS.get(name, "text")


def evaluate(q: Q, t: Table) -> np.ndarray:
    """The records of ``t`` that meet ``q`` (a boolean array), as the database would say."""
    parts = []
    for child in q.children:
        if isinstance(child, Q):
            parts.append(evaluate(child, t))
            continue
        name, lookup, value = _lookup(child)
        parts.append(_one(t, name, lookup, value))
    if not parts:
        got = np.ones(t.n, dtype=bool)
    else:
        got = reduce(np.logical_and if q.connector == Q.AND else np.logical_or, parts)
    return ~got if q.negated else got


def _one(t: Table, name: str, lookup: str, value) -> np.ndarray:
    kind, col = t.kind(name), t.arrays[name]
    if kind == "text":
        labels = t.labels[name]
        null = labels.get(None, -1)
        if lookup == "isnull":
            if type(value) is not bool:
                raise Unsupported(value)
            return (col == null) if value else (col != null)
        if lookup == "exact" and value is None:
            return col == null
        if lookup == "in":
            codes = [labels[_key(kind, v)] for v in value if _key(kind, v) in labels]
            return np.isin(col, codes)
        if lookup != "exact":
            raise Unsupported(lookup)  # ordering of text depends on the collation
        code = labels.get(_key(kind, value))
        return col == code if code is not None else np.zeros(t.n, dtype=bool)
    has = ~np.isnan(col) if kind == "float" else col != NULLS[kind]
    if lookup == "isnull":
        if type(value) is not bool:
            raise Unsupported(value)
        return ~has if value else has
    if lookup == "exact" and value is None:
        return ~has
    if lookup == "in":
        return has & np.isin(col, [_key(kind, v) for v in value])
    return has & _COMPARE[lookup](col, _key(kind, value))


def may_match(q: Q, zones: dict, keys: dict) -> bool:
    """False when no record of a block with these ``zones`` can meet ``q``."""
    if q.negated:
        return True
    found = []
    for child in q.children:
        if isinstance(child, Q):
            found.append(may_match(child, zones, keys))
        else:
            found.append(_may(*_lookup(child), zones, keys))
    if not found:
        return True
    return all(found) if q.connector == Q.AND else any(found)


def _may(name: str, lookup: str, value, zones: dict, keys: dict) -> bool:
    if name in keys:
        present = [keys[name]]
    elif KINDS[name] == "text":
        present = zones[name]
    else:
        present = None
    if present is not None:
        if lookup == "exact":
            return value in present
        if lookup == "in":
            return any(v in present for v in value)
        if lookup == "isnull":
            return None in present if value else any(v is not None for v in present)
        return True
    lo, hi, nulls = zones[name]
    if lookup == "isnull":
        return bool(nulls) if value else hi is not None
    if hi is None:
        return value is None and lookup == "exact"
    if value is None:
        return lookup != "exact" or bool(nulls)
    try:
        values = [_key(KINDS[name], v) for v in value] if lookup == "in" else None
        v = _key(KINDS[name], value) if lookup != "in" else None
    except Unsupported:
        return True
    if lookup == "in":
        return any(lo <= x <= hi for x in values)
    return {
        "gt": lambda: hi > v,
        "gte": lambda: hi >= v,
        "lt": lambda: lo < v,
        "lte": lambda: lo <= v,
        "exact": lambda: lo <= v <= hi,
    }[lookup]()


# ----------------------------------------------------------------------- reading


def available() -> bool:
    """Whether the last refresh built the column store (facts written otherwise, as by some
    tests, have none: the fact table answers)."""
    info = FactsRefresh.objects.filter(pk=1).values_list("columns", flat=True).first()
    return info is not None


@dataclass
class Read:
    table: Table
    chunks: int
    skipped: int


def read(country: str, area: str, names: set[str], conditions: list[Q]) -> Read:
    """The named columns of the blocks of ``country`` (and ``area``) where a record may meet
    one of ``conditions``."""
    chunks = FactChunk.objects.system(REASON).filter(country=country)
    if area:
        chunks = chunks.filter(admin_area=area)
    kept, skipped = [], 0
    for pk, admin_area, rows, zones in chunks.order_by("pk").values_list(
        "pk", "admin_area", "rows", "zones"
    ):
        keys = {"country": country, "admin_area": admin_area}
        if any(may_match(c, zones, keys) for c in conditions):
            kept.append((pk, admin_area, rows, zones))
        else:
            skipped += 1
    stored = sorted(n for n in names if n in KINDS)
    data: dict = {}
    if kept and stored:
        ids = [k[0] for k in kept]
        table = FactColumn._meta.db_table
        with _raw_cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT chunk_id, name, data FROM {table} "  # noqa: S608
                    "WHERE chunk_id = ANY(%s) AND name = ANY(%s)",
                    [ids, stored],
                )
            else:
                marks = ", ".join(["%s"] * len(ids))
                names_marks = ", ".join(["%s"] * len(stored))
                cursor.execute(
                    f"SELECT chunk_id, name, data FROM {table} "  # noqa: S608
                    f"WHERE chunk_id IN ({marks}) AND name IN ({names_marks})",
                    [*ids, *stored],
                )
            for chunk_id, name, blob in cursor.fetchall():
                data[(chunk_id, name)] = bytes(blob)
    n = sum(k[2] for k in kept)
    arrays: dict = {}
    labels: dict = {}
    for name in stored:
        kind = KINDS[name]
        parts = []
        if kind == "text":
            index: dict = {}
            for pk, _a, _rows, zones in kept:
                lut = np.array([index.setdefault(v, len(index)) for v in zones[name]], np.int32)
                codes = np.frombuffer(data[(pk, name)], dtype=_code_type(zones[name]))
                parts.append(lut[codes] if len(lut) else codes.astype(np.int32))
            labels[name] = index
        else:
            dtype = np.float64 if kind == "float" else DTYPES[kind]
            parts = [np.frombuffer(data[(pk, name)], dtype=dtype) for pk, *_r in kept]
        arrays[name] = np.concatenate(parts) if parts else np.zeros(0, np.int32)
    # the blocks' keys as columns of one label each
    for name in KEYS:
        index = {}
        parts = []
        for _pk, admin_area, rows, _z in kept:
            value = country if name == "country" else admin_area
            parts.append(np.full(rows, index.setdefault(value, len(index)), dtype=np.int32))
        arrays[name] = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        labels[name] = index
    return Read(Table(n, arrays, labels), len(kept), skipped)
