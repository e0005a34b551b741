"""HTML pages of questionnaires. Thin: services write, selectors read.

A record outside the user's scope is a 404; a page the role may not use is a 403. The form
filler works without JavaScript (an "Apply" button re-renders the follow-up questions) and
with htmx (any change re-renders the form and saves the draft).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.web.pages import RoleDenied as _RoleDenied
from kinlink.web.pages import page as make_page
from kinlink.web.pages import require_role as _require

from . import jobs, rendering, selectors, services
from .engine import FormEngine
from .models import FormPurpose, Response
from .xlsform import FormRefused

_page = make_page(also_not_found=(ValueError,))  # a malformed id is a missing record


def _lang() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _ctx(**extra) -> dict:
    return {"nav_active": "forms", **extra}


# ------------------------------------------------------------------------ overview


@require_GET
@_page
def home(request):
    user = request.user
    lang = _lang()
    versions = selectors.forms_to_answer(user=user)
    items = [
        {
            "version": v,
            "title": rendering.form_title(v.definition, lang),
            "can_export": v.form.purpose == FormPurpose.INTERVIEW
            and can(user, "conduct_interviews"),
        }
        for v in versions
    ]
    drafts = list(selectors.my_drafts(user=user))
    submitted = list(
        selectors.responses_for(user=user)
        .filter(respondent=user, status=Response.Status.SUBMITTED)
        .exclude(purpose=FormPurpose.ASSESSMENT)[:20]
    )
    return render(
        request,
        "questionnaires/home.html",
        _ctx(
            items=items,
            drafts=drafts,
            submitted=submitted,
            can_manage=can(user, "manage_forms"),
            can_compare=can(user, "see_city_surveys"),
        ),
    )


# ------------------------------------------------------------------------ managing


@require_GET
@_page
def manage(request):
    _require(request.user, "manage_forms")
    return _manage_page(request)


def _manage_page(request, problems=None, error="", status=200):
    forms = selectors.forms_managed(user=request.user)
    return render(
        request,
        "questionnaires/manage.html",
        _ctx(forms=forms, problems=problems or [], error=error, purposes=FormPurpose.choices),
        status=status,
    )


@require_POST
@_page
def form_import(request):
    _require(request.user, "manage_forms")
    upload = request.FILES.get("workbook")
    if upload is None:
        return _manage_page(request, error=_("Choose an .xlsx workbook."))
    if upload.size > services.MAX_WORKBOOK_BYTES:
        return _manage_page(request, error=_("The workbook is too large (5 MB at most)."))
    try:
        version = services.form_import(
            actor=request.user,
            data=upload.read(),
            filename=upload.name,
            purpose=request.POST.get("purpose", FormPurpose.SURVEY),
        )
    except FormRefused as exc:
        return _manage_page(request, problems=exc.problems)
    except ValidationError as exc:
        return _manage_page(request, error=" ".join(exc.messages))
    messages.success(request, _("The workbook was read. Check it, then publish the version."))
    return redirect("questionnaires:version", pk=version.pk)


@require_GET
@_page
def version_detail(request, pk):
    _require(request.user, "manage_forms")
    version = selectors.version_get(user=request.user, version_pk=pk)
    lang = _lang()
    engine = FormEngine(version.definition)
    ev = engine.evaluate(engine.initial())
    return render(
        request,
        "questionnaires/version.html",
        _ctx(
            version=version,
            title=rendering.form_title(version.definition, lang),
            preview=rendering.build(engine, version.definition["children"], ev, lang),
            responses=selectors.version_responses(user=request.user, version=version).count(),
        ),
    )


@require_POST
@_page
def version_publish(request, pk):
    _require(request.user, "manage_forms")
    try:
        services.version_publish(actor=request.user, version_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The version is published. It will not change again."))
    return redirect("questionnaires:version", pk=pk)


@require_POST
@_page
def responses_import(request, pk):
    """Start an import in the background; the job page shows its progress and row errors."""
    _require(request.user, "manage_forms")
    version = selectors.version_get(user=request.user, version_pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to import."))
        return redirect("questionnaires:version", pk=pk)
    try:
        if upload.size > services.MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is too large (20 MB at most)."))
        job = jobs.import_start(
            actor=request.user,
            version_id=version.pk,
            data=upload.read(),
            filename=upload.name,
            city=request.POST.get("city", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("questionnaires:version", pk=pk)
    messages.success(request, _("The import has started."))
    return redirect("questionnaires:job", pk=job.pk)


@require_POST
@_page
def export_start(request, pk):
    """Start an export in the background (CSV, XLSX with a sheet per repeat, or a CSV zip)."""
    _require(request.user, "manage_forms", "see_city_surveys", "conduct_interviews")
    try:
        job = jobs.export_start(
            actor=request.user, version_id=pk, file_format=request.POST.get("format", "")
        )
    except PermissionDenied as exc:
        raise _RoleDenied from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("questionnaires:jobs")
    messages.success(request, _("The export has started."))
    return redirect("questionnaires:job", pk=job.pk)


@require_GET
@_page
def job_list(request):
    return render(
        request,
        "questionnaires/jobs.html",
        _ctx(jobs=jobs.jobs_for(user=request.user)[:50]),
    )


@require_GET
@_page
def job_detail(request, pk):
    job = jobs.job_get(user=request.user, job_pk=pk)
    lang = _lang()
    template = "questionnaires/_job.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "questionnaires/job.html",
        _ctx(job=job, title=rendering.form_title(job.version.definition, lang)),
    )


@require_GET
@_page
def job_download(request, pk):
    try:
        job, data = jobs.job_result(user=request.user, job_pk=pk)
    except PermissionDenied as exc:
        raise _RoleDenied from exc
    resp = HttpResponse(data, content_type=jobs.FORMATS[job.file_format][1])
    resp["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return resp


@require_GET
@_page
def export(request, pk):
    _require(request.user, "manage_forms", "see_city_surveys", "conduct_interviews")
    from .models import FormVersion

    version = FormVersion.objects.select_related("form").get(pk=pk)
    if not selectors.may_export(request.user, version):
        raise _RoleDenied
    fmt = request.GET.get("format", "csv")
    name = f"{version.form.form_id}-v{version.number}"
    if fmt == "zip":
        resp = HttpResponse(
            selectors.export_zip(user=request.user, version=version),
            content_type="application/zip",
        )
        resp["Content-Disposition"] = f'attachment; filename="{name}-csv.zip"'
        return resp
    if fmt == "xlsx":
        data = selectors.export_xlsx(user=request.user, version=version)
        resp = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return resp
    data = selectors.export_csv(user=request.user, version=version)
    resp = HttpResponse(data, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return resp


# -------------------------------------------------------------------------- answering


@require_http_methods(["GET", "POST"])
@_page
def start(request, pk):
    """Open a draft of the newest published version. Interviews record consent (and a child's
    assent) first."""
    from .models import FormVersion

    version = FormVersion.objects.select_related("form").get(pk=pk, published_at__isnull=False)
    if version.form.purpose == FormPurpose.ASSESSMENT or not services.may_answer(
        request.user, version
    ):
        raise _RoleDenied
    interview = version.form.purpose == FormPurpose.INTERVIEW
    lang = _lang()
    title = rendering.form_title(version.definition, lang)
    error = ""
    if request.method == "POST":
        data = None
        if interview:
            data = services.InterviewStart(
                respondent_kind=request.POST.get("respondent_kind", ""),
                consent_given=request.POST.get("consent") == "yes",
                assent_given=request.POST.get("assent") == "yes",
                consent_by=request.POST.get("consent_by", ""),
            )
        try:
            response = services.response_start(
                actor=request.user, version_id=version.pk, interview=data
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("questionnaires:fill", pk=response.pk)
    return render(
        request,
        "questionnaires/start.html",
        _ctx(version=version, title=title, interview=interview, error=error),
    )


@require_http_methods(["GET", "POST"])
@_page
def fill(request, pk):
    response = selectors.response_get(user=request.user, response_pk=pk, action="change")
    if response.status != Response.Status.DRAFT or response.respondent_id != request.user.pk:
        raise PermissionDenied
    lang = _lang()
    definition = response.version.definition
    engine = FormEngine(definition)
    pages = rendering.pages_of(definition)
    try:
        page = max(
            0, min(int(request.POST.get("page", request.GET.get("page", 0))), len(pages) - 1)
        )
    except ValueError:
        page = 0
    errors: dict[str, str] = {}
    answers = response.answers or {}
    htmx = request.headers.get("HX-Request") == "true"
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = rendering.read_post(engine, pages[page], request.POST, answers)
        rendering.apply_action(engine, answers, action)
        services.response_save(actor=request.user, response_id=response.pk, answers=answers)
        if action == "submit":
            try:
                services.response_save(
                    actor=request.user,
                    response_id=response.pk,
                    answers=answers,
                    submit=True,
                    lang=lang,
                )
            except services.ResponseInvalid as exc:
                errors = exc.errors
                page = _first_page_with_error(pages, errors, page)
                messages.error(request, _("Some answers need attention before you can submit."))
            else:
                messages.success(request, _("Thank you. Your answers were submitted."))
                return redirect("questionnaires:response", pk=response.pk)
        elif action == "next":
            page = min(page + 1, len(pages) - 1)
        elif action == "prev":
            page = max(page - 1, 0)
        if not htmx and not errors and action in ("next", "prev", "save"):
            url = reverse("questionnaires:fill", args=[response.pk])
            if action == "save":
                messages.success(request, _("Draft saved."))
            return redirect(f"{url}?page={page}")
        response.refresh_from_db()
        answers = response.answers
    ev = engine.evaluate(answers, lang=lang)
    items = rendering.build(engine, pages[page], ev, lang, errors)
    context = _ctx(
        response=response,
        title=rendering.form_title(definition, lang),
        items=items,
        page=page,
        pages=[
            {"number": i + 1, "title": rendering.page_title(p, lang, engine.default_lang)}
            for i, p in enumerate(pages)
        ],
        page_count=len(pages),
        last_page=page == len(pages) - 1,
        errors=errors,
        messages_in_body=True,
    )
    return render(request, "questionnaires/fill.html", context)


def _first_page_with_error(pages, errors, current) -> int:
    from .xlsform import walk

    for i, page in enumerate(pages):
        names = {n["name"] for n, _r in walk(page)}
        for path in errors:
            if path.split("[")[0].split(".")[-1] in names or path.split("[")[0] in names:
                return i
    return current


@require_POST
@_page
def case_assessment_start(request, case_id, pk):
    """Start an XLSForm assessment on a case (the case page links here)."""
    from kinlink.cases import selectors as case_selectors

    from .models import FormVersion

    _require(request.user, "work_case")
    case = case_selectors.case_get(user=request.user, case_id=case_id, action="change")
    version = FormVersion.objects.select_related("form").get(
        pk=pk, published_at__isnull=False, form__purpose=FormPurpose.ASSESSMENT
    )
    if request.POST.get("start") != "yes":
        return redirect("cases:detail", pk=case.pk)
    response = services.response_start(actor=request.user, version_id=version.pk, case=case)
    return redirect("questionnaires:fill", pk=response.pk)


@require_POST
@_page
def discard(request, pk):
    response = selectors.response_get(user=request.user, response_pk=pk, action="change")
    if response.status != Response.Status.DRAFT or response.respondent_id != request.user.pk:
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm deleting the draft."))
        return redirect("questionnaires:fill", pk=pk)
    services.response_discard(actor=request.user, response_id=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("questionnaires:home")


@require_GET
@_page
def response_detail(request, pk):
    response = selectors.response_get(user=request.user, response_pk=pk)
    if response.status != Response.Status.SUBMITTED:
        return redirect("questionnaires:fill", pk=pk)
    lang = _lang()
    engine = FormEngine(response.version.definition)
    return render(
        request,
        "questionnaires/response.html",
        _ctx(
            response=response,
            title=rendering.form_title(response.version.definition, lang),
            rows=rendering.readable(engine, response.answers, lang),
        ),
    )


# -------------------------------------------------------------------- city comparison


@require_GET
@_page
def cities(request):
    _require(request.user, "see_city_surveys")
    comparison = selectors.city_comparison(user=request.user, lang=_lang())
    return render(request, "questionnaires/cities.html", _ctx(comparison=comparison))
