"""Reading exported responses as tables (no Django import): a CSV file, an XLSX workbook
(KoboToolbox: the main sheet and one sheet per repeat) or a zip of CSV files (ODK Central: the
main CSV and one CSV per repeat). Every cell comes back as text; row numbers are those of the
file (the header is row 1), for messages that name the sheet or file and the row."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

MAX_TABLES = 100
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class TableError(ValueError):
    """The file cannot be read as tables."""


@dataclass
class Table:
    label: str  # what messages call it: "kids.csv", "sheet kids"
    name: str  # the sheet title or the file name without ".csv"
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)

    def column(self, *names: str) -> int | None:
        for name in names:
            if name in self.header:
                return self.header.index(name)
        return None


def read_tables(data: bytes, filename: str = "") -> list[Table]:
    """The tables of an upload, in file order."""
    if data[:4] == b"PK\x03\x04":
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise TableError("the file is not a readable zip or .xlsx file") from exc
        with zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return _xlsx_tables(data)
            return _zip_tables(zf)
    return [_csv_table(data, filename or "file.csv")]


def _csv_table(data: bytes, label: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"{label}: the file is not UTF-8 text") from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    name = label.rsplit("/", 1)[-1]
    name = name[:-4] if name.lower().endswith(".csv") else name
    table = Table(label=label, name=name, header=header)
    for rownum, row in enumerate(reader, start=2):
        if any(cell.strip() for cell in row):
            table.rows.append((rownum, row))
    return table


def _zip_tables(zf: zipfile.ZipFile) -> list[Table]:
    infos = [
        i
        for i in zf.infolist()
        if not i.is_dir() and i.filename.lower().endswith(".csv") and "__MACOSX" not in i.filename
    ]
    if not infos:
        raise TableError("the zip file holds no CSV file")
    if len(infos) > MAX_TABLES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise TableError("the zip file is too large")
    return [_csv_table(zf.read(i), i.filename) for i in infos]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_tables(data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — a corrupt workbook surfaces in many ways
        raise TableError(f"the workbook cannot be read ({exc})") from exc
    if len(wb.worksheets) > MAX_TABLES:
        raise TableError("the workbook has too many sheets")
    tables = []
    for sheet in wb.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(c).strip() for c in next(rows, ())]
        table = Table(label=f"sheet {sheet.title}", name=sheet.title, header=header)
        for rownum, row in enumerate(rows, start=2):
            cells = [cell_text(c) for c in row]
            if any(c.strip() for c in cells):
                table.rows.append((rownum, cells))
        tables.append(table)
    wb.close()
    return tables
