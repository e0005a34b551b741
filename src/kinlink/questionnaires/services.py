"""Writing questionnaires and responses. Atomic and validating: bad input raises, nothing
changes. Role refusals raise ``PermissionDenied`` (views answer 403), records outside the
user's scope ``ObjectDoesNotExist``/``Http404`` (views answer 404)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.core import audit

from .engine import MAX_ROWS, FormEngine
from .models import AssessmentType, FormDefinition, FormPurpose, FormVersion, Response
from .xlsform import level, read_xlsform, walk

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
MAX_IMPORT_BYTES = 20 * 1024 * 1024
SENSITIVE = (FormPurpose.INTERVIEW, FormPurpose.ASSESSMENT)


class ResponseInvalid(ValidationError):
    """The answers do not pass the form's rules; ``errors`` maps a path to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(capability)


# ------------------------------------------------------------------------------ forms


@transaction.atomic
def form_import(
    *, actor, data: bytes, filename: str = "", purpose: str = FormPurpose.SURVEY
) -> FormVersion:
    """Read a workbook into a new, unpublished version (the first version creates the form).

    Raises FormRefused with every problem when the workbook uses what the engine does not
    support."""
    _require(actor, "manage_forms")
    if purpose not in FormPurpose.values:
        raise ValidationError(_("Unknown purpose."))
    if len(data) > MAX_WORKBOOK_BYTES:
        raise ValidationError(_("The workbook is too large (5 MB at most)."))
    definition = read_xlsform(data)
    form_id = definition["form_id"][:100]
    form = FormDefinition.objects.filter(form_id=form_id).first()
    title = next(iter(definition["title"].values()), form_id)
    if form is None:
        form = FormDefinition.objects.create(
            form_id=form_id, title=title[:200], purpose=purpose, created_by=actor
        )
    elif form.purpose != purpose:
        raise ValidationError(
            _("The form %(form)s is already used as: %(purpose)s.")
            % {"form": form_id, "purpose": form.get_purpose_display()}
        )
    last = form.versions.order_by("-number").first()
    version = FormVersion.objects.create(
        form=form,
        number=(last.number + 1) if last else 1,
        version_label=definition["version"][:50],
        definition=definition,
        source=data,
        source_name=filename[:200],
        languages=definition["languages"],
        created_by=actor,
    )
    audit.record(actor=actor, action="create", obj=version, detail={"form": form_id})
    return version


@transaction.atomic
def version_publish(*, actor, version_id) -> FormVersion:
    _require(actor, "manage_forms")
    version = FormVersion.objects.select_for_update().get(pk=version_id)
    if version.published_at is not None:
        raise ValidationError(_("This version is already published."))
    version.published_at = timezone.now()
    version.save()
    form = version.form
    form.title = next(iter(version.definition["title"].values()), form.title)[:200]
    form.save(update_fields=["title", "updated_at"])
    if form.purpose == FormPurpose.ASSESSMENT:
        AssessmentType.objects.get_or_create(form=form)
    audit.record(actor=actor, action="change", obj=version, detail={"published": True})
    return version


def form_install(*, data: bytes, purpose: str, filename: str = "") -> FormVersion:
    """Install a shipped form (deployment set-up, no user): a new published version unless the
    newest published one already has this exact workbook."""
    definition = read_xlsform(data)
    with transaction.atomic():
        form, _created = FormDefinition.objects.get_or_create(
            form_id=definition["form_id"],
            defaults={"title": next(iter(definition["title"].values())), "purpose": purpose},
        )
        current = form.current_version()
        if current is not None and bytes(current.source) == data:
            return current
        last = form.versions.order_by("-number").first()
        return FormVersion.objects.create(
            form=form,
            number=(last.number + 1) if last else 1,
            version_label=definition["version"],
            definition=definition,
            source=data,
            source_name=filename,
            languages=definition["languages"],
            published_at=timezone.now(),
        )


# -------------------------------------------------------------------------- responses


def may_answer(user, version: FormVersion) -> bool:
    purpose = version.form.purpose
    if purpose == FormPurpose.CITY_SURVEY:
        return can(user, "answer_city_survey")
    if purpose == FormPurpose.INTERVIEW:
        return can(user, "conduct_interviews")
    if purpose == FormPurpose.ASSESSMENT:
        return can(user, "work_case")
    return bool(user.is_authenticated and user.is_active)


def user_city(user) -> str:
    return (user.office.city or user.office.name) if user.office_id else ""


def new_respondent_code() -> str:
    """A pseudonymous code: random, says nothing about the person."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(8))


@dataclass
class InterviewStart:
    respondent_kind: str  # stakeholder | child
    consent_given: bool
    assent_given: bool = False  # children: their own assent, besides the adult's consent
    consent_by: str = ""  # who gave consent (role, never a name), e.g. "parent"


@transaction.atomic
def response_start(
    *, actor, version_id, case=None, interview: InterviewStart | None = None
) -> Response:
    """Open a draft. Interviews need consent (and a child's assent) before the first question."""
    version = FormVersion.objects.select_related("form").get(
        pk=version_id, published_at__isnull=False
    )
    if not may_answer(actor, version):
        raise PermissionDenied("answer")
    purpose = version.form.purpose
    response = Response(
        version=version,
        purpose=purpose,
        respondent=actor,
        agency=actor.agency,
        country=actor.agency.country if actor.agency_id else "",
        answers=FormEngine(version.definition).initial(),
    )
    if purpose == FormPurpose.CITY_SURVEY:
        response.city = user_city(actor)
        if not response.city:
            raise ValidationError(_("Your account is not attached to a city office."))
    if purpose == FormPurpose.ASSESSMENT:
        if case is None:
            raise ValidationError(_("An assessment belongs to a case."))
        from kinlink.cases.models import Case

        # the case must be one the user may change (else: not found)
        case = Case.objects.restrict(actor, "change").get(pk=case.pk)
        response.case = case
    elif case is not None:
        raise ValidationError(_("Only assessments belong to a case."))
    if purpose == FormPurpose.INTERVIEW:
        if interview is None or not interview.consent_given:
            raise ValidationError(_("Record consent before the interview starts."))
        if interview.respondent_kind == "child" and not interview.assent_given:
            raise ValidationError(_("Record the child's own assent before the interview starts."))
        if interview.respondent_kind not in ("stakeholder", "child"):
            raise ValidationError(_("Unknown kind of respondent."))
        response.respondent_code = new_respondent_code()
        response.consent = {
            "respondent_kind": interview.respondent_kind,
            "consent": True,
            "consent_by": interview.consent_by[:40],
            "assent": bool(interview.assent_given),
            "recorded_at": timezone.now().isoformat(),
        }
    response.save()
    audit.record(
        actor=actor,
        action="create",
        obj=response,
        case_id=case.pk if case is not None else None,
        detail={"form": version.form.form_id, "version": version.number},
    )
    return response


def _fill_metadata(definition: dict, answers: dict, response: Response) -> None:
    now = timezone.now()
    for node, repeat in walk(definition["children"]):
        if node["type"] != "metadata" or repeat:
            continue
        kind = node["metadata"]
        if kind == "start":
            answers[node["name"]] = response.created_at.isoformat()
        elif kind == "end":
            answers[node["name"]] = now.isoformat()
        elif kind == "today":
            answers[node["name"]] = now.date().isoformat()
        elif kind == "username":
            pseudonymous = response.purpose == FormPurpose.INTERVIEW
            answers[node["name"]] = (
                ""
                if pseudonymous or not response.respondent
                else (response.respondent.get_username())
            )


@transaction.atomic
def response_save(*, actor, response_id, answers: dict, submit: bool = False, lang="") -> Response:
    """Save a draft's answers; with ``submit``, validate every rule first (server-side, against
    the response's own version) and refuse with ResponseInvalid, leaving the draft as it was."""
    response = (
        Response.objects.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("version")
        .get(pk=response_id)
    )
    if response.status != Response.Status.DRAFT or response.respondent_id != actor.pk:
        raise PermissionDenied("not your draft")
    engine = FormEngine(response.version.definition)
    ev = engine.evaluate(answers, final=submit, lang=lang)
    if submit and not ev.ok:
        raise ResponseInvalid(ev.errors)
    response.answers = ev.answers if submit else engine.evaluate(answers).answers
    if submit:
        _fill_metadata(response.version.definition, response.answers, response)
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
    response.save()
    audit.record(
        actor=actor,
        action="change",
        obj=response,
        case_id=response.case_id,
        detail={"submitted": submit},
    )
    return response


@transaction.atomic
def response_discard(*, actor, response_id) -> None:
    response = Response.objects.restrict(actor, "change").get(pk=response_id)
    if response.status != Response.Status.DRAFT or response.respondent_id != actor.pk:
        raise PermissionDenied("not your draft")
    audit.record(actor=actor, action="delete", obj=response, case_id=response.case_id)
    response.delete()


# ---------------------------------------------------------- import (CSV, XLSX, CSV zip)


class RowError(NamedTuple):
    """One problem of an import: the sheet or file, its row, the question, the message."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


def _header_map(children: list[dict], header: list[str], containers: set[str]) -> dict[int, str]:
    """Column index → question name, for the questions of one level (the main sheet, or one
    repeat's sheet). Accepts Kinlink's and KoboToolbox's 'group/question' headers (also with
    the repeats around: 'kids/visits/date') and ODK Central's 'group-question'; option columns
    ('q/option'), Kobo's and ODK's own columns ('_id', 'KEY', ...) and unknown columns are
    ignored."""
    names = {
        node["name"] for node in level(children) if node["type"] not in ("group", "repeat", "note")
    }
    out: dict[int, str] = {}
    for i, raw in enumerate(header):
        col = (raw or "").strip()
        if col in names:
            out[i] = col
            continue
        for sep in ("/", "-"):
            parts = col.split(sep)
            if len(parts) > 1 and parts[-1] in names and all(p in containers for p in parts[:-1]):
                out[i] = parts[-1]
                break
    return out


def _repeat_of_table(name: str, repeats: dict[str, dict]) -> str | None:
    """The repeat a sheet or file holds: Kobo names the sheet after the repeat (31 characters
    at most), ODK Central the file ``<form>-<repeat>.csv``."""
    for rep in repeats:
        if name in (rep, rep[:31]) or name.endswith("-" + rep):
            return rep
    return None


def read_submissions(definition: dict, tables: list) -> tuple[list, list[RowError]]:
    """Assemble submissions from the tables: the main table's rows, with the rows of each
    repeat's table under their parent (ODK Central and Kinlink: ``KEY``/``PARENT_KEY`` or
    ``_key``/``_parent_key``; KoboToolbox: ``_index``/``_parent_index``/
    ``_parent_table_name``). Returns ([(answers, city, places)], errors) where ``places``
    maps an answer path prefix ('', 'kids[1].') to (sheet, row) for messages."""
    repeats = {n["name"]: n for n, _r in walk(definition["children"]) if n["type"] == "repeat"}
    chain = FormEngine(definition).chain
    containers = {
        n["name"] for n, _r in walk(definition["children"]) if n["type"] in ("group", "repeat")
    }
    errors: list[RowError] = []
    main, by_repeat = None, {}
    for table in tables:
        rep = _repeat_of_table(table.name, repeats) if len(tables) > 1 else None
        if rep is not None and rep not in by_repeat:
            by_repeat[rep] = table
        elif main is None:
            main = table
        else:
            errors.append(
                RowError(table.label, 1, "", _("This sheet or file matches no repeat of the form."))
            )
    if main is None or not main.header:
        raise ValidationError(_("The file is empty."))
    columns = _header_map(definition["children"], main.header, containers)
    if not columns:
        raise ValidationError(_("No column of the file matches a question of this form."))
    city_col = main.column("_city", "city")
    nodes: dict[str, tuple] = {}  # key → (repeat or "", row dict, sheet, row number)
    submissions = []

    def register(key, entry, table, rownum):
        if key in nodes:
            errors.append(
                RowError(
                    table.label,
                    rownum,
                    "",
                    _("The key %(key)s appears twice.") % {"key": key.split(":", 1)[1]},
                )
            )
        nodes[key] = entry

    for rownum, row in main.rows:
        answers = {name: row[i] if i < len(row) else "" for i, name in columns.items()}
        city = row[city_col].strip() if city_col is not None and city_col < len(row) else ""
        entry = ("", answers, main.label, rownum)
        for col in ("_key", "KEY", "_id"):
            i = main.column(col)
            if i is not None and i < len(row) and row[i].strip():
                register("k:" + row[i].strip(), entry, main, rownum)
        i = main.column("_index")
        if i is not None and i < len(row) and row[i].strip():
            register(f"i:{main.name}#{row[i].strip()}", entry, main, rownum)
        submissions.append((answers, city, entry))
    children_of: list = []  # (repeat, row dict, parent key, sheet, row number)
    for rep, table in by_repeat.items():
        node = repeats[rep]
        cols = _header_map(node["children"], table.header, containers)
        key_col, parent_col = table.column("_key", "KEY"), table.column("_parent_key", "PARENT_KEY")
        index_col = table.column("_index")
        pindex_col, ptable_col = table.column("_parent_index"), table.column("_parent_table_name")
        if parent_col is None and pindex_col is None:
            errors.append(
                RowError(
                    table.label,
                    1,
                    "",
                    _(
                        "No column links the rows to their parent (_parent_key, PARENT_KEY or "
                        "_parent_index)."
                    ),
                )
            )
            continue
        for rownum, row in table.rows:

            def cell(i, row=row):
                return row[i].strip() if i is not None and i < len(row) else ""

            answers = {name: row[i] if i < len(row) else "" for i, name in cols.items()}
            entry = (rep, answers, table.label, rownum)
            if cell(key_col):
                register("k:" + cell(key_col), entry, table, rownum)
            if key_col is None and cell(index_col):  # KoboToolbox: _index is the key
                register(f"i:{table.name}#{cell(index_col)}", entry, table, rownum)
            if parent_col is not None:
                parent = "k:" + cell(parent_col)
            else:
                ptable = cell(ptable_col)
                owner = by_repeat.get(_repeat_of_table(ptable, repeats) or "")
                parent = f"i:{(owner or main).name}#{cell(pindex_col)}"
            children_of.append((rep, answers, parent, table.label, rownum))
    for rep, answers, parent, label, rownum in children_of:
        found = nodes.get(parent)
        expected = chain[rep][-1] if chain[rep] else ""
        if found is None:
            errors.append(
                RowError(
                    label,
                    rownum,
                    "",
                    _("No parent row has the key %(key)s.") % {"key": parent.split(":", 1)[1]},
                )
            )
        elif found[0] != expected:
            errors.append(
                RowError(label, rownum, "", _("The parent row is not in the right sheet or file."))
            )
        else:
            found[1].setdefault(rep, []).append(answers)
            answers["__place__"] = (label, rownum)
    out = []
    for answers, city, entry in submissions:
        places = {"": (entry[2], entry[3])}
        _places(definition["children"], answers, "", places, errors)
        out.append((answers, city, places))
    return out, errors


def _places(children, row: dict, prefix: str, places: dict, errors: list) -> None:
    """Record where each instance came from; refuse more instances than the engine keeps."""
    for node in level(children):
        if node["type"] == "repeat":
            items = row.get(node["name"], []) or []
            if len(items) > MAX_ROWS:
                sheet, rownum = _place_of(prefix, places)
                errors.append(
                    RowError(
                        sheet,
                        rownum,
                        node["name"],
                        _("More than %(n)d instances of this repeat in one row.") % {"n": MAX_ROWS},
                    )
                )
            for i, item in enumerate(items):
                path = f"{prefix}{node['name']}[{i}]."
                if "__place__" in item:
                    places[path] = item.pop("__place__")
                _places(node["children"], item, path, places, errors)


def _place_of(path: str, places: dict) -> tuple[str, int]:
    best = ""
    for prefix in places:
        if path.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return places[best]


def responses_import(
    *, actor, version_id, data: bytes, filename: str = "", city: str = "", progress=None
) -> ImportResult:
    """Import submissions exported from KoboToolbox (CSV, or XLSX with a sheet per repeat),
    ODK Central (CSV, or its zip with a CSV per repeat) or Kinlink into a published version.
    Every submission is validated against the version; if any fails, nothing is imported and
    every failing row is reported with its sheet or file."""
    from .tabular import TableError, read_tables

    _require(actor, "manage_forms")
    version = FormVersion.objects.select_related("form").get(
        pk=version_id, published_at__isnull=False
    )
    if version.form.purpose == FormPurpose.ASSESSMENT:
        raise ValidationError(_("Case assessments are answered on the case, not imported."))
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is too large (20 MB at most)."))
    try:
        tables = read_tables(data, filename)
    except TableError as exc:
        raise ValidationError(_("The file cannot be read: %(why)s") % {"why": exc}) from exc
    submissions, errors = read_submissions(version.definition, tables)
    result = ImportResult(errors=errors)
    engine = FormEngine(version.definition)
    pending = []
    total = len(submissions)
    for n, (answers, row_city, places) in enumerate(submissions, start=1):
        if progress and (n % 50 == 0 or n == total):
            progress(n, total)
        ev = engine.evaluate(answers, final=True)
        if not ev.ok:
            for path, message in ev.errors.items():
                sheet, rownum = _place_of(path, places)
                column = path.rsplit(".", 1)[-1]
                result.errors.append(RowError(sheet, rownum, column, message))
            continue
        pending.append((ev.answers, row_city or city))
    if result.errors:
        return result  # nothing was written
    with transaction.atomic():  # all or nothing
        _create_imported(actor, version, pending, result)
    return result


def _create_imported(actor, version, pending, result: ImportResult) -> None:
    now = timezone.now()
    for answers, row_city in pending:
        Response.objects.create(
            version=version,
            purpose=version.form.purpose,
            status=Response.Status.SUBMITTED,
            answers=answers,
            respondent=None,
            agency=actor.agency,
            country=actor.agency.country if actor.agency_id else "",
            city=row_city[:100],
            respondent_code=(
                new_respondent_code() if version.form.purpose == FormPurpose.INTERVIEW else ""
            ),
            source="import",
            submitted_at=now,
        )
        result.created += 1
    audit.record(
        actor=actor,
        action="create",
        obj=version,
        detail={"imported_responses": result.created},
    )


def responses_import_csv(*, actor, version_id, data: bytes, city: str = "") -> ImportResult:
    """A single CSV file (KoboToolbox, ODK Central or Kinlink)."""
    return responses_import(
        actor=actor, version_id=version_id, data=data, filename="file.csv", city=city
    )
