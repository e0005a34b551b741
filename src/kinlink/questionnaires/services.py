"""Writing questionnaires and responses. Atomic and validating: bad input raises, nothing
changes. Role refusals raise ``PermissionDenied`` (views answer 403), records outside the
user's scope ``ObjectDoesNotExist``/``Http404`` (views answer 404)."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.core import audit

from .engine import FormEngine
from .models import AssessmentType, FormDefinition, FormPurpose, FormVersion, Response
from .xlsform import read_xlsform, walk

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
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


# ---------------------------------------------------------------------- import (CSV)


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message


def _header_map(definition: dict, header: list[str]) -> dict[int, str]:
    """Column index → question name. Accepts Kinlink's and KoboToolbox's 'group/question'
    headers and ODK Central's 'group-question'; option columns ('q/option'), Kobo's own
    columns ('_id', '_uuid', ...) and unknown columns are ignored."""
    names = {}
    for node, repeat in walk(definition["children"]):
        if repeat is None and node["type"] not in ("group", "repeat", "note"):
            names[node["name"]] = node
    groups = {n["name"] for n, _r in walk(definition["children"]) if n["type"] == "group"}
    out: dict[int, str] = {}
    for i, raw in enumerate(header):
        col = (raw or "").strip()
        if col in names:
            out[i] = col
            continue
        for sep in ("/", "-"):
            parts = col.split(sep)
            if len(parts) > 1 and parts[-1] in names and all(p in groups for p in parts[:-1]):
                out[i] = parts[-1]
                break
    return out


@transaction.atomic
def responses_import_csv(*, actor, version_id, data: bytes, city: str = "") -> ImportResult:
    """Import submissions exported from KoboToolbox/ODK (or Kinlink) as CSV into a published
    version. Every row is validated against the version; if any row fails, nothing is
    imported and every failing row is reported."""
    _require(actor, "manage_forms")
    version = FormVersion.objects.select_related("form").get(
        pk=version_id, published_at__isnull=False
    )
    if version.form.purpose == FormPurpose.ASSESSMENT:
        raise ValidationError(_("Case assessments are answered on the case, not imported."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    result = ImportResult()
    if not header:
        raise ValidationError(_("The file is empty."))
    columns = _header_map(version.definition, header)
    if not columns:
        raise ValidationError(_("No column of the file matches a question of this form."))
    city_col = next((i for i, h in enumerate(header) if h.strip() in ("_city", "city")), None)
    engine = FormEngine(version.definition)
    pending = []
    for rownum, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        answers = {name: row[i] if i < len(row) else "" for i, name in columns.items()}
        ev = engine.evaluate(answers, final=True)
        if not ev.ok:
            for path, message in ev.errors.items():
                result.errors.append((rownum, path, message))
            continue
        row_city = city
        if city_col is not None and city_col < len(row) and row[city_col].strip():
            row_city = row[city_col].strip()
        pending.append((ev.answers, row_city))
    if result.errors:
        transaction.set_rollback(True)
        return result
    now = timezone.now()
    for answers, row_city in pending:
        response = Response.objects.create(
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
        del response
    audit.record(
        actor=actor,
        action="create",
        obj=version,
        detail={"imported_responses": result.created},
    )
    return result
