"""Statistics pages: the dashboard, definitions, releases and survey estimates. Thin views.

Roles: statisticians and researchers (``see_statistics``) and managers (``approve_releases``)
see the dashboard; only protected figures are shown, except in the statisticians' working view
(``?working=1``, logged). A release outside the user's country is a 404; a role without the
capability gets a 403.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.core import audit
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.web.pages import page as _page
from kinlink.web.pages import require_role as _require

from . import charts as _charts
from . import domain_facts, engine, exports, extracts, profile, survey
from . import forms as f
from . import indicators as ind
from . import services as ss
from .models import Basis, Release

VIEWERS = ("see_statistics", "approve_releases")


def _params() -> engine.Parameters:
    return engine.Parameters.from_sop(SopProfile.current())


def _label(table: dict, key: str) -> str:
    if table["breakdown"] == engine.AGE_SEX:
        return _("Age band × sex")
    dim = ind.DIMENSIONS.get(table["breakdown"])
    return str(dim.label) if dim else table["breakdown"]


def present(tables: list[dict], rtl: bool, charts: bool = True) -> list[dict]:
    """Group tables by indicator, with a chart, the definition and the left-out records."""
    out: dict[str, dict] = {}
    for table in tables:
        meta = ind.REGISTRY.get(table["indicator"])
        block = out.setdefault(
            table["indicator"],
            {
                "code": table["indicator"],
                "title": meta.title if meta else table["indicator"],
                "definition": meta.definition if meta else "",
                "unit": meta.unit if meta else "",
                "sensitive": meta.sensitive if meta else False,
                "withheld": table["withheld"],
                "left_out": [
                    (Basis(k).label if k in Basis.values else k, v)
                    for k, v in sorted(table["left_out"].items())
                ],
                "tables": [],
            },
        )
        rows = []
        for i, (code, label) in enumerate(table["rows"]):
            rows.append(
                {
                    "label": label,
                    "total": code == "total",
                    "cells": [
                        {"value": v, "flag": fl}
                        for v, fl in zip(table["values"][i], table["flags"][i], strict=True)
                    ],
                }
            )
        # chart: one bar per row, the row total (or the single value of a one-way table)
        body = rows[:-1]
        chart = (
            _charts.bar_chart(
                [r["label"] for r in body],
                [r["cells"][-1]["value"] for r in body],
                [r["cells"][-1]["flag"] for r in body],
                title=f"{block['title']} — {_label(table, '')}",
                rtl=rtl,
            )
            if charts
            else ""
        )
        block["tables"].append(
            {
                "caption": _label(table, ""),
                "cols": [c[1] for c in table["cols"]],
                "rows": rows,
                "chart": chart,
                "kind": table["kind"],
            }
        )
    return list(out.values())


@require_GET
@_page
def dashboard(request):
    _require(request.user, *VIEWERS)
    params = _params()
    start, end = f.default_period()
    form = f.FilterForm(
        request.GET or {"start": start, "end": end}, max_level=params.max_admin_level
    )
    blocks, working = [], False
    if form.is_valid() and request.user.country:
        d = form.cleaned_data
        query = engine.Query(
            country=request.user.country,
            period=ind.Period(d["start"], d["end"]),
            indicators=tuple(ind.REGISTRY),
            breakdowns=tuple(d["breakdowns"]),
            geography_level=0,
            area=d.get("area", "") or "",
        )
        results = domain_facts.compute_all(query, params)
        working = request.GET.get("working") == "1" and can(request.user, "build_releases")
        if working:
            results = engine.mark(results, params)
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                object_type="stats.working_view",
                detail={"period": [str(d["start"]), str(d["end"])], "area": query.area},
            )
        else:
            results = engine.protect(results, params)
        blocks = present(engine.as_json(results), get_language_bidi())
    ctx = {
        "nav_active": "statistics",
        "form": form,
        "blocks": blocks,
        "working": working,
        "can_build": can(request.user, "build_releases"),
        "params": params,
        "refreshed_at": ss.facts_refreshed_at(),
        "refresh_queued_at": ss.facts_refresh_queued_at(),
    }
    return render(request, "stats/dashboard.html", ctx)


@require_GET
@_page
def definitions(request):
    _require(request.user, *VIEWERS)
    ctx = {
        "nav_active": "statistics",
        "indicators": list(ind.REGISTRY.values()),
        "params": _params(),
        "reasons": Basis.choices,
    }
    return render(request, "stats/definitions.html", ctx)


@require_POST
@_page
def refresh(request):
    _require(request.user, "build_releases")
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Nothing was refreshed."))
        return redirect("stats:dashboard")
    # A million cases take 30-60 s to refresh (bench/stats): a task, never in the request.
    if ss.facts_refresh_queue(actor=request.user):
        messages.success(
            request,
            _(
                "A refresh of the figures from the case records was queued. It runs in the "
                "background; the dashboard says when the figures were computed."
            ),
        )
    else:
        messages.info(
            request,
            _("A refresh is already queued; the figures will be updated when it has run."),
        )
    return redirect("stats:dashboard")


@require_GET
@_page
def releases(request):
    _require(request.user, *VIEWERS)
    ctx = {
        "nav_active": "statistics",
        "releases": list(ss.releases_visible(request.user).select_related("created_by")[:200]),
        "can_build": can(request.user, "build_releases"),
    }
    return render(request, "stats/releases.html", ctx)


@require_http_methods(["GET", "POST"])
@_page
def release_create(request):
    _require(request.user, "build_releases")
    params = _params()
    if request.method == "GET":
        start, end = f.default_period()
        form = f.ReleaseForm(
            initial={
                "period_start": start,
                "period_end": end,
                "indicators": ["children_registered"],
            },
            max_level=params.max_admin_level,
        )
        return render(request, "stats/release_form.html", {"form": form})
    form = f.ReleaseForm(request.POST, max_level=params.max_admin_level)
    if form.is_valid():
        d = form.cleaned_data
        try:
            release = ss.release_build(
                actor=request.user,
                data=ss.ReleaseInput(
                    title=d["title"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    indicators=d["indicators"],
                    breakdowns=d["breakdowns"],
                    geography_level=d["geography_level"],
                    area=d["area"],
                ),
            )
        except ValidationError as exc:
            for key, errs in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errs)
        else:
            messages.success(request, _("The release was built. Check it, then submit it."))
            return redirect("stats:release", pk=release.pk)
    return render(request, "stats/release_form.html", {"form": form})


@require_GET
@_page
def release_detail(request, pk):
    _require(request.user, *VIEWERS)
    release = ss._get(request.user, pk)
    audit.record(actor=request.user, action=AuditEvent.Action.VIEW, obj=release)
    is_extract = release.kind == Release.Kind.EXTRACT
    ctx = {
        "nav_active": "statistics",
        "release": release,
        "blocks": [] if is_extract else present(release.tables, get_language_bidi()),
        "extract": extracts.summary(release) if is_extract else None,
        "can_submit": can(request.user, "build_releases")
        and release.state in (Release.State.DRAFT, Release.State.REJECTED),
        "can_decide": can(request.user, "approve_releases")
        and release.state == Release.State.PENDING,
        "decision_form": f.DecisionForm(),
        "formats": EXTRACT_FORMATS if is_extract else EXPORT_FORMATS,
    }
    return render(request, "stats/release.html", ctx)


@require_POST
@_page
def release_submit(request, pk):
    _require(request.user, "build_releases")
    if request.POST.get("confirm") != "1":
        ss._get(request.user, pk)  # 404 outside the scope
        messages.error(request, _("Nothing was submitted."))
        return redirect("stats:release", pk=pk)
    try:
        ss.release_submit(actor=request.user, release_id=pk)
        messages.success(request, _("The release was submitted for approval."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("stats:release", pk=pk)


@require_POST
@_page
def release_decide(request, pk):
    _require(request.user, "approve_releases")
    form = f.DecisionForm(request.POST)
    release = ss._get(request.user, pk)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("stats:release", pk=release.pk)
    try:
        ss.release_decide(
            actor=request.user,
            release_id=pk,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Your decision was recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("stats:release", pk=pk)


EXPORT_FORMATS = ["csv", "xlsx", "json", "dhis2", "pdf"]
EXTRACT_FORMATS = ["csv", "json"]


@require_GET
@_page
def release_export(request, pk, fmt):
    _require(request.user, *VIEWERS)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if ss._get(request.user, pk).kind == Release.Kind.EXTRACT and fmt not in EXTRACT_FORMATS:
        raise Http404
    try:
        release = ss.release_for_export(actor=request.user, release_id=pk, fmt=fmt)
    except ss.NotApproved:
        return HttpResponse(
            _("Only an approved release can be exported."), status=409, content_type="text/plain"
        )
    name = (
        f"kinlink-{release.country}-{release.period_start}-{release.period_end}-v{release.version}"
    )
    if release.kind == Release.Kind.EXTRACT:
        if fmt == "csv":
            resp = HttpResponse(extracts.to_csv(release), content_type="text/csv; charset=utf-8")
        else:
            resp = HttpResponse(
                json.dumps(extracts.to_json(release), cls=DjangoJSONEncoder, ensure_ascii=False),
                content_type="application/json",
            )
        resp["Content-Disposition"] = f'attachment; filename="{name}-records.{fmt}"'
        return resp
    if fmt == "csv":
        resp = HttpResponse(exports.to_csv(release), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        resp = HttpResponse(
            exports.to_xlsx(release),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        pdf = exports.to_pdf(release, present(release.tables, get_language_bidi(), charts=False))
        resp = HttpResponse(pdf, content_type="application/pdf")
    elif fmt == "json":
        resp = HttpResponse(
            json.dumps(exports.to_json(release), cls=DjangoJSONEncoder, ensure_ascii=False),
            content_type="application/json",
        )
        fmt = "json"
    else:
        resp = HttpResponse(
            json.dumps(exports.to_dhis2(release), ensure_ascii=False),
            content_type="application/json",
        )
        fmt = "dhis2.json"
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@require_http_methods(["GET", "POST"])
@_page
def survey_estimate(request):
    _require(request.user, "see_statistics")
    form = f.SurveyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            if upload.size > 50 * 1024 * 1024:
                raise survey.SurveyError(_("The file is larger than 50 MB."))
            _header, rows = survey.read_table(upload.name, upload.read())
            design = survey.Design.of(
                survey.column(rows, d["weight"], numeric=True),
                survey.column(rows, d["stratum"]) if d["stratum"] else None,
                survey.column(rows, d["cluster"]) if d["cluster"] else None,
            )
            y = survey.column(rows, d["variable"], numeric=True)
            dom = survey.column(rows, d["domain"], numeric=True) if d["domain"] else None
            result = {
                "share": survey.proportion(design, y, dom),
                "number": survey.total(design, y, dom),
                "rows": len(rows),
            }
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                object_type="stats.survey_estimate",
                detail={"file": upload.name[:100], "rows": len(rows)},
            )
        except survey.SurveyError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "stats/survey.html",
        {"nav_active": "statistics", "form": form, "result": result},
    )


def release_url(release) -> str:
    return reverse("stats:release", kwargs={"pk": release.pk})


# ----------------------------------------------------------------------- country profile


@require_GET
@_page
def country_profile(request):
    _require(request.user, *VIEWERS)
    start, end = f.default_period()
    form = f.PeriodForm(request.GET or {"start": start, "end": end})
    country = request.user.country
    ctx = {
        "nav_active": "statistics",
        "form": form,
        "can_build": can(request.user, "build_releases"),
        "laws": list(profile.laws(country)) if country else [],
        "services": profile.service_availability(country) if country else None,
        "barriers": None,
    }
    if form.is_valid() and country:
        ctx["barriers"] = profile.barriers(
            country, form.cleaned_data["start"], form.cleaned_data["end"]
        )
    return render(request, "stats/profile.html", ctx)


def _law_input(d) -> profile.LawInput:
    return profile.LawInput(
        kind=d["kind"],
        title=d["title"],
        adopted_on=d["adopted_on"],
        url=d["url"],
        summary=d["summary"],
        in_force=d["in_force"],
    )


@require_http_methods(["GET", "POST"])
@_page
def law_create(request):
    _require(request.user, "build_releases")
    return _law_form(request, None)


@require_http_methods(["GET", "POST"])
@_page
def law_edit(request, pk):
    _require(request.user, "build_releases")
    return _law_form(request, profile.law_for_edit(user=request.user, law_id=pk))


def _law_form(request, law):
    if request.method == "GET":
        initial = (
            {
                "kind": law.kind,
                "title": law.title,
                "adopted_on": law.adopted_on,
                "in_force": law.in_force,
                "url": law.url,
                "summary": law.summary,
            }
            if law
            else {"in_force": True}
        )
        form = f.LawForm(initial=initial)
    else:
        form = f.LawForm(request.POST)
        if form.is_valid():
            try:
                profile.law_save(
                    actor=request.user,
                    data=_law_input(form.cleaned_data),
                    law_id=law.pk if law else None,
                )
            except ValidationError as exc:
                for key, errs in exc.message_dict.items():
                    form.add_error(key if key in form.fields else None, errs)
            else:
                messages.success(request, _("The country profile was updated."))
                return redirect("stats:profile")
    return render(
        request, "stats/law_form.html", {"nav_active": "statistics", "form": form, "law": law}
    )


# ----------------------------------------------------------------------- research extracts


@require_http_methods(["GET", "POST"])
@_page
def extract_create(request):
    _require(request.user, "build_releases")
    if request.method == "GET":
        start, end = f.default_period()
        form = f.ExtractForm(
            initial={
                "period_start": start,
                "period_end": end,
                "columns": ["age_band", "sex", "protection_status", "stage"],
            }
        )
    else:
        form = f.ExtractForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                release = extracts.extract_build(
                    actor=request.user,
                    data=extracts.ExtractInput(
                        title=d["title"],
                        period_start=d["period_start"],
                        period_end=d["period_end"],
                        columns=d["columns"],
                    ),
                )
            except ValidationError as exc:
                for key, errs in exc.message_dict.items():
                    form.add_error(key if key in form.fields else None, errs)
            else:
                messages.success(request, _("The extract was built. Check it, then submit it."))
                return redirect("stats:release", pk=release.pk)
    return render(request, "stats/extract_form.html", {"nav_active": "statistics", "form": form})
