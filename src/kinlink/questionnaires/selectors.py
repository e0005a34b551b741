"""Reading questionnaires and responses, always scoped to the user; exports; the comparison of
the city needs survey across cities."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kinlink.accounts.roles import can
from kinlink.core import audit

from .engine import pick
from .models import FormDefinition, FormPurpose, FormVersion, Response
from .xlsform import level, walk

CITY_SURVEY_ID = "kinlink_city_needs"
TRAINING_NEEDS = "training_needs"
TRAINING_PRIORITY = "training_priority"


def forms_managed(*, user) -> QuerySet[FormDefinition]:
    if not can(user, "manage_forms"):
        raise PermissionDenied("manage_forms")
    return FormDefinition.objects.prefetch_related("versions").order_by("title")


def form_get(*, user, form_pk) -> FormDefinition:
    if not can(user, "manage_forms"):
        raise PermissionDenied("manage_forms")
    return FormDefinition.objects.get(pk=form_pk)


def version_get(*, user, version_pk) -> FormVersion:
    if not can(user, "manage_forms"):
        raise PermissionDenied("manage_forms")
    return FormVersion.objects.select_related("form").get(pk=version_pk)


def forms_to_answer(*, user) -> list[FormVersion]:
    """The newest published version of each form the user may answer (assessments are
    answered from the case page)."""
    from .services import may_answer

    out = []
    for form in FormDefinition.objects.exclude(purpose=FormPurpose.ASSESSMENT):
        version = form.current_version()
        if version is not None and may_answer(user, version):
            out.append(version)
    return out


def city_survey_version() -> FormVersion | None:
    form = FormDefinition.objects.filter(form_id=CITY_SURVEY_ID).first()
    return form.current_version() if form else None


def responses_for(*, user, action: str = "view") -> QuerySet[Response]:
    return Response.objects.restrict(user, action).select_related("version__form", "respondent")


def response_get(*, user, response_pk, action: str = "view") -> Response:
    response = responses_for(user=user, action=action).get(pk=response_pk)
    if response.purpose in (FormPurpose.INTERVIEW, FormPurpose.ASSESSMENT):
        audit.record(actor=user, action="view", obj=response, case_id=response.case_id)
    return response


def my_drafts(*, user) -> QuerySet[Response]:
    return responses_for(user=user, action="change").filter(
        respondent=user, status=Response.Status.DRAFT
    )


def version_responses(*, user, version: FormVersion) -> QuerySet[Response]:
    return responses_for(user=user).filter(version=version, status=Response.Status.SUBMITTED)


# ----------------------------------------------------------------------------- export


def columns_of(definition: dict) -> list[tuple[str, str]]:
    """(header, question name) of the main sheet: 'group/question' as KoboToolbox writes it."""
    out = []

    def visit(children, prefix):
        for node in children:
            if node["type"] == "group":
                visit(node["children"], prefix + node["name"] + "/")
            elif node["type"] not in ("repeat", "note"):
                out.append((prefix + node["name"], node["name"]))

    visit(definition["children"], "")
    return out


def repeat_columns(repeat: dict) -> list[str]:
    """The question columns of one repeat's sheet: its own level (groups included, the repeats
    inside it have their own sheets)."""
    return [
        n["name"] for n in level(repeat["children"]) if n["type"] not in ("group", "repeat", "note")
    ]


PROGRESS_EVERY = 50
REPEAT_META = ["_parent_id", "_index", "_parent_key", "_key"]


def _repeat_rows(node: dict, rows: list, parent_key: str, submission: str, out: dict) -> None:
    """Rows of ``node``'s sheet under one parent, then (depth first) those of its inner
    repeats. Keys follow ODK Central: ``<parent key>/<repeat>[<n>]``."""
    names = repeat_columns(node)
    inner = [n for n in level(node["children"]) if n["type"] == "repeat"]
    for i, item in enumerate(rows or []):
        if not isinstance(item, dict):
            continue
        key = f"{parent_key}/{node['name']}[{i + 1}]"
        out[node["name"]][1].append(
            [submission, str(i + 1), parent_key, key] + [str(item.get(n, "")) for n in names]
        )
        for child in inner:
            _repeat_rows(child, item.get(child["name"]), key, submission, out)


def _meta(response: Response, deidentified: bool) -> list[str]:
    row = [str(response.pk), response.submitted_at.isoformat() if response.submitted_at else ""]
    if response.purpose == FormPurpose.CITY_SURVEY:
        row.append(response.city)
    if response.purpose == FormPurpose.INTERVIEW:
        row += [response.respondent_code, response.consent.get("respondent_kind", "")]
    elif not deidentified:
        row.append(response.respondent.get_username() if response.respondent else "")
    return row


def _meta_header(version: FormVersion, deidentified: bool) -> list[str]:
    head = ["_id", "_submitted_at"]
    if version.form.purpose == FormPurpose.CITY_SURVEY:
        head.append("_city")
    if version.form.purpose == FormPurpose.INTERVIEW:
        head += ["_respondent_code", "_respondent_kind"]
    elif not deidentified:
        head.append("_submitted_by")
    return head


def may_export(user, version: FormVersion) -> bool:
    """Form managers export any form but assessments (those stay on their cases); roles that
    compare cities export the city survey; researchers their interviews."""
    purpose = version.form.purpose
    if purpose == FormPurpose.ASSESSMENT:
        return False
    return (
        can(user, "manage_forms")
        or (purpose == FormPurpose.CITY_SURVEY and can(user, "see_city_surveys"))
        or (purpose == FormPurpose.INTERVIEW and can(user, "conduct_interviews"))
    )


def export_rows(*, user, version: FormVersion, progress=None):
    """(main header, main rows, {repeat: (header, rows)}), audited. Interviews are always
    de-identified: a pseudonymous code, never the interviewer's or respondent's identity.
    ``progress(done, total)`` is called as responses are written."""
    if not may_export(user, version):
        raise PermissionDenied("export")
    responses = list(version_responses(user=user, version=version).order_by("submitted_at"))
    total = len(responses)
    if progress:
        progress(0, total)
    deidentified = version.form.purpose == FormPurpose.INTERVIEW
    cols = columns_of(version.definition)
    header = _meta_header(version, deidentified) + [h for h, _n in cols]
    rows = [
        _meta(r, deidentified) + [str(r.answers.get(name, "")) for _h, name in cols]
        for r in responses
    ]
    repeats: dict[str, tuple[list[str], list[list[str]]]] = {}
    for node, _r in walk(version.definition["children"]):
        if node["type"] == "repeat":
            repeats[node["name"]] = ([*REPEAT_META, *repeat_columns(node)], [])
    top = [n for n in level(version.definition["children"]) if n["type"] == "repeat"]
    for n, r in enumerate(responses, start=1):
        for node in top:
            _repeat_rows(node, r.answers.get(node["name"]), str(r.pk), str(r.pk), repeats)
        if progress and (n % PROGRESS_EVERY == 0 or n == total):
            progress(n, total)
    audit.record(
        actor=user,
        action="export",
        obj=version,
        detail={"responses": len(responses), "deidentified": deidentified},
    )
    return header, rows, repeats


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(_safe(row) for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def export_csv(*, user, version: FormVersion, progress=None) -> bytes:
    """The main sheet only (repeats: XLSX or the CSV zip)."""
    header, rows, _repeats = export_rows(user=user, version=version, progress=progress)
    return _csv(header, rows)


def export_zip(*, user, version: FormVersion, progress=None) -> bytes:
    """A zip of CSV files as ODK Central exports them: ``<form>.csv`` and one
    ``<form>-<repeat>.csv`` per repeat, linked by ``_parent_key``/``_key``."""
    import zipfile

    header, rows, repeats = export_rows(user=user, version=version, progress=progress)
    form_id = version.form.form_id
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{form_id}.csv", _csv(header, rows))
        for name, (rheader, rrows) in repeats.items():
            zf.writestr(f"{form_id}-{name}.csv", _csv(rheader, rrows))
    return buf.getvalue()


def export_xlsx(*, user, version: FormVersion, progress=None) -> bytes:
    from openpyxl import Workbook

    header, rows, repeats = export_rows(user=user, version=version, progress=progress)
    wb = Workbook(write_only=True)  # streams rows: several times faster on large exports
    ws = wb.create_sheet(version.form.form_id[:31])
    ws.append(header)
    for row in rows:
        ws.append(_safe(row))
    for name, (rheader, rrows) in repeats.items():
        sheet = wb.create_sheet(name[:31])
        sheet.append(rheader)
        for row in rrows:
            sheet.append(_safe(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _safe(row: list[str]) -> list[str]:
    """Neutralise spreadsheet formulas (CSV/XLSX injection)."""
    return ["'" + c if c[:1] in ("=", "+", "-", "@") and not _numberish(c) else c for c in row]


def _numberish(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------ city comparison


@dataclass
class ComparisonRow:
    name: str
    label: str
    values: list[str]  # one per city, labels in the reader's language


@dataclass
class RankedNeed:
    name: str
    label: str
    cities: int
    top_priority: int
    city_names: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    version: FormVersion | None
    cities: list[str]
    rows: list[ComparisonRow]
    needs: list[RankedNeed]


def latest_by_city(*, user, version: FormVersion) -> dict[str, Response]:
    out: dict[str, Response] = {}
    for r in version_responses(user=user, version=version).order_by("submitted_at"):
        out[r.city or "—"] = r  # the newest answer of each city wins
    return dict(sorted(out.items()))


def city_comparison(*, user, lang: str) -> Comparison:
    if not can(user, "see_city_surveys"):
        raise PermissionDenied("see_city_surveys")
    version = city_survey_version()
    if version is None:
        return Comparison(None, [], [], [])
    definition = version.definition
    default = definition.get("default_language", "en")
    by_city = latest_by_city(user=user, version=version)
    cities = list(by_city)
    rows = []
    for node, repeat in walk(definition["children"]):
        if repeat or node["type"] not in (
            "integer",
            "decimal",
            "select_one",
            "select_multiple",
            "date",
        ):
            continue
        labels = {c["name"]: pick(c["label"], lang, default) for c in node.get("choices", [])}
        values = []
        for city in cities:
            raw = str(by_city[city].answers.get(node["name"], ""))
            if node["type"] in ("select_one", "select_multiple"):
                raw = ", ".join(labels.get(v, v) for v in raw.split())
            values.append(raw)
        if any(values):
            rows.append(ComparisonRow(node["name"], pick(node["label"], lang, default), values))
    needs = rank_training_needs(definition, by_city, lang)
    audit.record(
        actor=user, action="view", obj=version, detail={"comparison": True, "cities": len(cities)}
    )
    return Comparison(version, cities, rows, needs)


def rank_training_needs(definition: dict, by_city: dict[str, Response], lang: str):
    """Training topics ranked by how many cities ask for them, then by how many name them
    their first priority."""
    node = next((n for n, _r in walk(definition["children"]) if n["name"] == TRAINING_NEEDS), None)
    if node is None:
        return []
    default = definition.get("default_language", "en")
    asked: Counter = Counter()
    first: Counter = Counter()
    who: dict[str, list[str]] = {}
    for city, response in by_city.items():
        for topic in str(response.answers.get(TRAINING_NEEDS, "")).split():
            asked[topic] += 1
            who.setdefault(topic, []).append(city)
        top = str(response.answers.get(TRAINING_PRIORITY, "")).strip()
        if top:
            first[top] += 1
    needs = [
        RankedNeed(
            c["name"],
            pick(c["label"], lang, default),
            asked[c["name"]],
            first[c["name"]],
            who.get(c["name"], []),
        )
        for c in node.get("choices", [])
        if asked[c["name"]] or first[c["name"]]
    ]
    needs.sort(key=lambda n: (-n.cities, -n.top_priority, n.name))
    return needs
