"""Files of an approved release: CSV with an HXL hashtag row, XLSX, JSON, DHIS2 data values.

All exports are long ("tidy") tables: one row per published cell. Suppressed cells have an
empty value and a flag, so the file says why a number is missing.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from . import indicators as ind
from .models import Release

# HXL 1.1 hashtags and attributes (https://hxlstandard.org/standard/1-1final/dictionary/).
COLUMNS = [
    ("release", "#meta+release"),
    ("version", "#meta+version"),
    ("country", "#country+code"),
    ("area", "#adm1+name"),
    ("period_start", "#date+start"),
    ("period_end", "#date+end"),
    ("indicator", "#indicator+code"),
    ("indicator_name", "#indicator+name"),
    ("breakdown", "#meta+breakdown"),
    ("row", "#meta+category+row"),
    ("row_label", "#meta+category+row+name"),
    ("column", "#meta+category+col"),
    ("column_label", "#meta+category+col+name"),
    ("value", "#indicator+value+num"),
    ("flag", "#status+suppressed"),
]


def rows(release: Release):
    for table in release.tables:
        meta = ind.REGISTRY.get(table["indicator"])
        name = str(meta.title) if meta else table["indicator"]
        for i, (rcode, rlabel) in enumerate(table["rows"]):
            for j, (ccode, clabel) in enumerate(table["cols"]):
                yield {
                    "release": release.title,
                    "version": release.version,
                    "country": release.country,
                    "area": release.area,
                    "period_start": release.period_start.isoformat(),
                    "period_end": release.period_end.isoformat(),
                    "indicator": table["indicator"],
                    "indicator_name": name,
                    "breakdown": table["breakdown"],
                    "row": rcode,
                    "row_label": rlabel,
                    "column": ccode,
                    "column_label": clabel,
                    "value": table["values"][i][j],
                    "flag": table["flags"][i][j] if table["flags"] else "",
                }


def to_csv(release: Release) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c for c, _h in COLUMNS])
    writer.writerow([h for _c, h in COLUMNS])
    for row in rows(release):
        writer.writerow(["" if row[c] is None else row[c] for c, _h in COLUMNS])
    return out.getvalue()


def to_json(release: Release) -> dict:
    return {
        "id": str(release.pk),
        "title": release.title,
        "version": release.version,
        "country": release.country,
        "area": release.area,
        "period": {"start": release.period_start, "end": release.period_end},
        "geography_level": release.geography_level,
        "parameters": release.parameters,
        "approved_by": release.decided_by.get_username() if release.decided_by else None,
        "approved_at": release.decided_at,
        "data_as_of": release.data_as_of,
        "content_hash": release.content_hash,
        "tables": release.tables,
    }


def to_xlsx(release: Release) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append([c for c, _h in COLUMNS])
    sheet.append([h for _c, h in COLUMNS])
    for row in rows(release):
        sheet.append([row[c] for c, _h in COLUMNS])
    about = book.create_sheet("release")
    for key, value in [
        (_("Title"), release.title),
        (_("Version"), release.version),
        (_("Period"), f"{release.period_start} – {release.period_end}"),
        (_("Minimum cell"), release.parameters.get("min_cell")),
        (_("Minimum cell (sensitive)"), release.parameters.get("min_cell_sensitive")),
        (_("Rounding base"), release.parameters.get("rounding_base")),
        (_("Approved by"), release.decided_by.get_username() if release.decided_by else ""),
        (_("Approved at"), release.decided_at.isoformat() if release.decided_at else ""),
        (_("Content hash"), release.content_hash),
    ]:
        about.append([str(key), value])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def to_dhis2(release: Release, *, org_unit: str = "") -> dict:
    """A DHIS2 dataValueSet: one data value per published interior cell.

    Data elements are the indicator codes and category option combos are ``row|column``;
    a national system maps them to its own UIDs on import (DHIS2 import ID scheme CODE)."""
    values = []
    period = (
        release.period_start.strftime("%Y%m")
        if (
            release.period_start.month == release.period_end.month
            and release.period_start.year == release.period_end.year
        )
        else release.period_start.strftime("%Y")
    )
    for table in release.tables:
        for i, (rcode, _rl) in enumerate(table["rows"]):
            for j, (ccode, _cl) in enumerate(table["cols"]):
                value = table["values"][i][j]
                if value is None:
                    continue
                values.append(
                    {
                        "dataElement": table["indicator"],
                        "categoryOptionCombo": f"{table['breakdown']}:{rcode}|{ccode}",
                        "period": period,
                        "orgUnit": org_unit or release.area or release.country,
                        "value": str(value),
                    }
                )
    return {"dataSet": "kinlink-statistics", "dataValues": values}


def to_pdf(release: Release, blocks: list[dict]) -> bytes:
    """A printable PDF of an approved release: parameters, approval, definitions, the
    protected tables with their suppression marks; right to left in Arabic."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    html = render_to_string(
        "stats/release_pdf.html",
        {
            "release": release,
            "params": release.parameters,
            "blocks": blocks,
            "LANGUAGE_CODE": translation.get_language(),
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        },
    )
    return HTML(string=html).write_pdf()
