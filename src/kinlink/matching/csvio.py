"""Reading children/requests CSV files and writing match results atomically."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .records import PersonRecord

__all__ = ["InputError", "read_records", "write_csv_atomic", "INPUT_COLUMNS", "OUTPUT_COLUMNS"]

INPUT_COLUMNS = ("id", "given_name", "family_name", "middle_name", "sex", "date_of_birth", "age",
                 "place_of_origin", "mother_name", "father_name")
OPTIONAL_COLUMNS = ("age_estimated", "other_names", "recorded_on", "document_numbers")
OUTPUT_COLUMNS = ("request_id", "child_id", "rank", "score", "probability", "is_match",
                  "explanation")

_UNSEEN = object()
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "y", "t", "estimated", "est", "да", "так"}
_FALSE = {"", "0", "false", "no", "n", "f", "нет", "ні"}


class InputError(ValueError):
    """A problem with an input file, naming the file and the row."""

    def __init__(self, path: str | os.PathLike[str], row: int | None, message: str) -> None:
        self.path = os.fspath(path)
        self.row = row
        self.message = message
        where = f"{self.path}, row {row}" if row is not None else self.path
        super().__init__(f"{where}: {message}")


def _parse_date(path: str, row: int, col: str, value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    if not _DATE_RE.match(value):
        raise InputError(path, row, f"{col} {value!r} is not a date in the form YYYY-MM-DD")
    y, m, d = (int(x) for x in value.split("-"))
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise InputError(path, row, f"{col} {value!r} is not a real date") from None


def _parse_age(path: str, row: int, value: str) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        age = float(value)
    except ValueError:
        raise InputError(path, row, f"age {value!r} is not a number of years") from None
    if math.isnan(age) or math.isinf(age) or age < 0 or age > 120:
        raise InputError(path, row, f"age {value!r} is out of range")
    return age


def read_records(path: str | os.PathLike[str]) -> list[PersonRecord]:
    """Read a CSV of people (header row required; only ``id`` is mandatory). Raises
    :class:`InputError` naming the file and row for any problem. Row numbers count the
    header as row 1, like a spreadsheet."""
    spath = os.fspath(path)
    try:
        data = Path(spath).read_bytes()
    except OSError as e:
        raise InputError(spath, None, f"cannot read file: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(spath, line, "file is not valid UTF-8 text (save it as UTF-8 CSV)") \
            from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(spath, 1, "file is empty (a header row with an 'id' column is "
                         "required)") from None
    except csv.Error as e:
        raise InputError(spath, 1, f"not a readable CSV file: {e}") from None
    cols = [h.strip().lower().lstrip("\ufeff") for h in header]
    if "id" not in cols:
        raise InputError(spath, 1, "required column 'id' is missing from the header "
                         f"(found: {', '.join(c for c in cols if c) or 'nothing'})")
    idx = {c: i for i, c in enumerate(cols) if c}
    out: list[PersonRecord] = []
    seen: dict[str, int] = {}
    # names, places and dates repeat across rows: one object per distinct value (a million
    # rows hold a few hundred megabytes of duplicate strings otherwise)
    shared: dict[str, str] = {}
    dates: dict[str, dt.date | None] = {}
    row = 1
    try:
        for fields in reader:
            row += 1
            if not fields or all(not f.strip() for f in fields):
                continue

            def get(col: str, fields: Sequence[str] = fields) -> str:
                i = idx.get(col)
                if i is None or i >= len(fields):
                    return ""
                v = fields[i].strip()
                return shared.setdefault(v, v)

            def date(col: str, row: int = row) -> dt.date | None:
                v = get(col)
                d = dates.get(v, _UNSEEN)
                if d is _UNSEEN:
                    d = dates[v] = _parse_date(spath, row, col, v)
                return d  # type: ignore[return-value]

            i_id = idx["id"]
            rid = fields[i_id].strip() if i_id < len(fields) else ""
            if not rid:
                raise InputError(spath, row, "empty id")
            if rid in seen:
                raise InputError(spath, row, f"duplicate id {rid!r} (first seen in row "
                                 f"{seen[rid]})")
            seen[rid] = row
            est = get("age_estimated").lower()
            if est not in _TRUE and est not in _FALSE:
                raise InputError(spath, row, f"age_estimated {est!r} is not yes/no")
            others = tuple(x.strip() for x in get("other_names").split(";") if x.strip())
            docs = tuple(x.strip() for x in get("document_numbers").split(";") if x.strip())
            out.append(PersonRecord(
                id=rid,
                given_name=get("given_name"),
                family_name=get("family_name"),
                middle_name=get("middle_name"),
                sex=get("sex"),
                date_of_birth=date("date_of_birth"),
                age=_parse_age(spath, row, get("age")),
                age_estimated=est in _TRUE,
                place_of_origin=get("place_of_origin"),
                mother_name=get("mother_name"),
                father_name=get("father_name"),
                other_names=others,
                recorded_on=date("recorded_on"),
                document_numbers=docs,
            ))
    except csv.Error as e:
        raise InputError(spath, row, f"not a readable CSV row: {e}") from None
    return out


def write_csv_atomic(path: str | os.PathLike[str], header: Sequence[str],
                     rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV file completely or not at all (temp file + os.replace)."""
    spath = os.path.abspath(os.fspath(path))
    d = os.path.dirname(spath)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(spath) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for r in rows:
                w.writerow(r)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, spath)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
