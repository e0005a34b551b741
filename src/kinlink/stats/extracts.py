"""Research extracts: record-level, pseudonymised, k-anonymous (DOMAIN.md 6, rule 47).

An extract is a ``Release`` of kind ``extract``: built by a statistician from the case facts
with a basis for statistics (rule 48), submitted, approved by a manager (never its author) and
only then exported, every export audited, exactly like tables.

- **Keyed pseudonyms**: HMAC-SHA256 of the case id under a key derived from the server's
  secret and a random salt drawn for this extract and not kept, so a pseudonym cannot be
  reversed or linked to the case, nor across two extracts.
- **No direct identifiers**: names, numbers, dates of birth and free text never enter (the
  fact table holds none).
- **Generalised quasi-identifiers**: age in the SOP bands, registration by quarter, area never
  below the configured level.
- **k-anonymity**: records whose combination of quasi-identifiers is shared by fewer than k
  (``SopProfile.stats_k_anonymity``) are left out (local suppression) and counted; approval
  checks the stored records again and refuses an extract that is not k-anonymous.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinlink.accounts.roles import can
from kinlink.core.models import SopProfile

from . import engine, sdc
from . import indicators as ind
from .models import Basis, CaseFact, Release


@dataclass(frozen=True)
class Column:
    code: str
    label: object
    quasi: bool  # a quasi-identifier: part of the k-anonymity check


COLUMNS = {
    c.code: c
    for c in [
        Column("age_band", _lazy("Age band at registration"), True),
        Column("sex", _lazy("Sex"), True),
        Column("nationality", _lazy("Nationality"), True),
        Column("migratory_status", _lazy("Migratory status"), True),
        Column("protection_status", _lazy("Protection status"), True),
        Column("disability", _lazy("Disability"), True),
        Column("area", _lazy("Administrative area"), True),
        Column("registered_quarter", _lazy("Quarter of registration"), True),
        Column("stage", _lazy("Stage"), False),
        Column("risk_level", _lazy("Risk level"), False),
        Column("statelessness_risk", _lazy("At risk of statelessness"), False),
        Column("birth_registration", _lazy("Birth registration"), False),
        Column("weeks_to_case_plan", _lazy("Weeks from identification to case plan"), False),
        Column("reunified", _lazy("Reunified"), False),
    ]
}
PSEUDONYM = "pseudonym"
# columns copied as they are in the fact table (the others are generalised)
_PLAIN = {
    "sex",
    "nationality",
    "migratory_status",
    "protection_status",
    "disability",
    "stage",
    "risk_level",
    "statelessness_risk",
    "birth_registration",
}


@dataclass
class ExtractInput:
    title: str
    period_start: date
    period_end: date
    columns: list[str]


def validate(data: ExtractInput, params: engine.Parameters) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("A release needs a title.")]
    if data.period_end < data.period_start:
        errors["period_end"] = [_("The end of the period is before its start.")]
    unknown = [c for c in data.columns if c not in COLUMNS]
    if not data.columns or unknown:
        errors["columns"] = [_("Choose at least one column from the list.")]
    elif "area" in data.columns and params.max_admin_level < 1:
        errors["columns"] = [_("Areas may not be published in this deployment.")]
    return errors


def pseudonymiser(salt: bytes):
    key = hmac.new(settings.SECRET_KEY.encode(), b"kinlink-extract:" + salt, "sha256").digest()

    def pseudonym(case_id) -> str:
        return hmac.new(key, str(case_id).encode(), hashlib.sha256).hexdigest()[:20]

    return pseudonym


def _band(age, bands) -> str:
    if age is None:
        return "unknown"
    for lo, hi, label in bands:
        if lo <= age <= hi:
            return label
    return "unknown"


def _generalise(fact: dict, columns: list[str], bands) -> list:
    out = []
    for code in columns:
        if code == "age_band":
            out.append(_band(fact["age"], bands))
        elif code == "area":
            out.append(fact["admin_area"] or "")
        elif code == "registered_quarter":
            d = fact["registered_on"]
            out.append(f"{d.year}-Q{(d.month - 1) // 3 + 1}")
        elif code == "weeks_to_case_plan":
            days = fact["days_to_case_plan"]
            out.append(None if days is None else int(days // 7))
        elif code == "reunified":
            out.append(fact["reunified_on"] is not None)
        else:
            out.append(fact[code])
    return out


def quasi_of(columns: list[str]) -> list[int]:
    """Positions (in a record, after the pseudonym) of the quasi-identifiers."""
    return [i + 1 for i, code in enumerate(columns) if COLUMNS[code].quasi]


def check(records: list[list], columns: list[str], k: int) -> sdc.KAnonymity:
    positions = quasi_of(columns)
    return sdc.k_anonymity(([rec[i] for i in positions] for rec in records), k)


def build_records(country: str, data: ExtractInput, params: engine.Parameters):
    """(records, left out by reason, records suppressed for k-anonymity)."""
    bands = ind.age_bands(params.age_bands)
    facts = CaseFact.objects.system("statistics").filter(
        country=country,
        registered_on__gte=data.period_start,
        registered_on__lte=data.period_end,
    )
    left_out = {
        row["basis"]: row["n"]
        for row in facts.exclude(basis=Basis.OK).values("basis").annotate(n=Count("pk"))
    }
    pseudonym = pseudonymiser(secrets.token_bytes(16))
    wanted = [
        "case_id",
        "age",
        "admin_area",
        "registered_on",
        "days_to_case_plan",
        "reunified_on",
        *(c for c in data.columns if c in _PLAIN),
    ]
    rows = [
        [pseudonym(f["case_id"]), *_generalise(f, data.columns, bands)]
        for f in facts.filter(basis=Basis.OK).values(*dict.fromkeys(wanted)).iterator()
    ]
    positions = quasi_of(data.columns)
    sizes: dict = {}
    for rec in rows:
        key = tuple(rec[i] for i in positions)
        sizes[key] = sizes.get(key, 0) + 1
    kept = [rec for rec in rows if sizes[tuple(rec[i] for i in positions)] >= params.k]
    kept.sort(key=lambda rec: rec[0])  # pseudonym order: no trace of the registration order
    return kept, left_out, len(rows) - len(kept)


def extract_build(*, actor, data: ExtractInput) -> Release:
    """Build a new version of a research extract (a draft release of kind ``extract``)."""
    if not can(actor, "build_releases") or not actor.country:
        raise PermissionDenied
    params = engine.Parameters.from_sop(SopProfile.current())
    errors = validate(data, params)
    if errors:
        raise ValidationError(errors)
    columns = list(dict.fromkeys(data.columns))
    data.columns = columns
    records, left_out, suppressed = build_records(actor.country, data, params)
    result = check(records, columns, params.k)
    payload = [
        {
            "columns": [PSEUDONYM, *columns],
            "quasi_identifiers": [c for c in columns if COLUMNS[c].quasi],
            "records": records,
            "left_out": {
                k: (None if sdc.is_primary(v, params.min_cell) else v) for k, v in left_out.items()
            },
            "suppressed_for_k": suppressed,
            "smallest_class": result.smallest_class,
        }
    ]
    from .services import release_store

    return release_store(
        actor=actor,
        title=data.title,
        params=params,
        tables=payload,
        audit_detail={"kind": "extract", "records": len(records)},
        kind=Release.Kind.EXTRACT,
        period_start=data.period_start,
        period_end=data.period_end,
        geography_level=1 if "area" in columns else 0,
        indicators=[],
        breakdowns=columns,
    )


def approval_check(release: Release) -> None:
    """Refuse to approve an extract that is not k-anonymous for the current k (or is empty
    of its structure)."""
    if release.kind != Release.Kind.EXTRACT:
        return
    k = max(SopProfile.current().stats_k_anonymity, release.parameters.get("k", 0))
    try:
        body = release.tables[0]
        columns = body["columns"][1:]
        result = check(body["records"], columns, k)
    except (IndexError, KeyError, TypeError):
        raise ValidationError(_("This extract is damaged: build it again.")) from None
    if not result.ok:
        raise ValidationError(
            _(
                "This extract is not %(k)s-anonymous: %(n)s records share their "
                "quasi-identifiers with fewer than %(k)s others. Build it again."
            )
            % {"k": k, "n": result.violating_records}
        )


def summary(release: Release) -> dict:
    body = release.tables[0]
    columns = body["columns"][1:]
    result = check(body["records"], columns, release.parameters.get("k", 5))
    return {
        "columns": [
            (c, COLUMNS[c].label if c in COLUMNS else c, COLUMNS.get(c) and COLUMNS[c].quasi)
            for c in columns
        ],
        "records": len(body["records"]),
        "left_out": [
            (Basis(k).label if k in Basis.values else k, v)
            for k, v in sorted(body["left_out"].items())
        ],
        "suppressed_for_k": body["suppressed_for_k"],
        "k": release.parameters.get("k"),
        "smallest_class": result.smallest_class,
        "ok": result.ok,
    }


def to_csv(release: Release) -> str:
    import csv
    import io

    body = release.tables[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(body["columns"])
    for rec in body["records"]:
        writer.writerow(["" if v is None else v for v in rec])
    return out.getvalue()


def to_json(release: Release) -> dict:
    body = release.tables[0]
    return {
        "id": str(release.pk),
        "title": release.title,
        "version": release.version,
        "country": release.country,
        "period": {"start": release.period_start, "end": release.period_end},
        "parameters": release.parameters,
        "approved_by": release.decided_by.get_username() if release.decided_by else None,
        "approved_at": release.decided_at,
        "content_hash": release.content_hash,
        "columns": body["columns"],
        "quasi_identifiers": body["quasi_identifiers"],
        "records": body["records"],
    }
