"""Pages of the service map and of referrals. Provider staff see only the referrals made to
them, with only what each referral shares; a case outside the scope is a 404, a role that may
not use a page a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.care.views import attach_errors
from kinlink.cases import selectors as case_selectors
from kinlink.web.pages import page, require_role

from . import forms as f
from . import selectors
from . import services as rs


def _require(user, *caps):
    if not any(can(user, c) for c in caps):
        raise PermissionDenied


@login_required
@require_GET
def service_map(request):
    _require(request.user, "work_case", "see_team", "manage_services", "receive_referrals")
    form = f.SearchForm(request.GET or None, areas=selectors.area_choices())
    points = []
    if form.is_bound and form.is_valid():
        points = selectors.service_search(**form.cleaned_data)
    elif not form.is_bound:
        points = selectors.service_search()
    return render(
        request,
        "referrals/map.html",
        {
            "form": form,
            "points": points,
            "nav_active": "services",
            "can_import": can(request.user, "manage_services"),
            "can_edit": can(request.user, "manage_services"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_import(request):
    _require(request.user, "manage_services")
    form = f.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = rs.service_points_import(
                actor=request.user, filename=upload.name, content=upload.read()
            )
        except ValidationError as exc:
            attach_errors(exc, form)
    return render(
        request, "referrals/import.html", {"form": form, "report": report, "nav_active": "services"}
    )


def _point_form_page(request, form, point=None):
    return render(
        request,
        "referrals/point_form.html",
        {"form": form, "point": point, "nav_active": "services"},
    )


@require_http_methods(["GET", "POST"])
@page
def point_create(request):
    """A new service point, by whoever manages the service map."""
    require_role(request.user, "manage_services")
    areas = selectors.area_choices()
    country = request.user.agency.country if request.user.agency_id else ""
    form = f.ServicePointForm(
        request.POST or None, areas=areas, initial={"country": country, "active": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            point = rs.service_point_create(actor=request.user, raw=form.to_raw())
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("The service point was added."))
            return redirect(reverse("referrals:point_edit", kwargs={"point_id": point.pk}))
    return _point_form_page(request, form)


@require_http_methods(["GET", "POST"])
@page
def point_edit(request, point_id):
    require_role(request.user, "manage_services")
    point = selectors.point_for_edit(user=request.user, point_id=point_id)
    areas = selectors.area_choices()
    form = f.ServicePointForm(
        request.POST or None, areas=areas, initial=f.ServicePointForm.initial_for(point)
    )
    if request.method == "POST" and form.is_valid():
        try:
            point = rs.service_point_update(
                actor=request.user,
                point_id=point.pk,
                raw=form.to_raw(),
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("The service point was saved."))
            return redirect(reverse("referrals:point_edit", kwargs={"point_id": point.pk}))
    return _point_form_page(request, form, point)


@require_http_methods(["GET", "POST"])
@page
def areas_import(request):
    """Import the administrative hierarchy (country → admin1 → admin2 → admin3)."""
    require_role(request.user, "manage_services")
    form = f.AreaImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = rs.areas_import(
                actor=request.user, filename=upload.name, content=upload.read()
            )
        except ValidationError as exc:
            attach_errors(exc, form)
    return render(
        request,
        "referrals/areas_import.html",
        {"form": form, "report": report, "nav_active": "services"},
    )


@login_required
@require_POST
def referral_add(request, pk):
    _require(request.user, "work_case")
    try:
        case_selectors.case_get(user=request.user, case_id=pk, action="change", audit_read=False)
    except PermissionDenied:
        raise Http404 from None
    form = f.ReferralForm(request.POST, prefix="referral", points=selectors.service_search())
    if form.is_valid():
        try:
            rs.referral_create(actor=request.user, case_id=pk, data=form.to_input())
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("The referral was sent."))
            return redirect(reverse("cases:detail", kwargs={"pk": pk}) + "#referrals")
    from kinlink.care.views import _render_case

    return _render_case(request, pk, bound={"referral": form}, open_key="referral")


@login_required
@require_GET
def inbox(request):
    _require(request.user, "receive_referrals")
    refs = list(selectors.inbox(user=request.user)[:200])
    selectors.audit_inbox_shown(user=request.user, referrals=refs)
    for ref in refs:
        ref.status_form = f.StatusForm(prefix=f"s-{ref.pk.hex[:8]}")
    return render(request, "referrals/inbox.html", {"referrals": refs, "nav_active": "services"})


@login_required
@require_POST
def referral_update(request, referral_id):
    _require(request.user, "receive_referrals", "work_case")
    try:
        ref = selectors.referral_for_update(user=request.user, referral_id=referral_id)
    except PermissionDenied:
        raise Http404 from None
    form = f.StatusForm(request.POST, prefix=f"s-{referral_id.hex[:8]}")
    back = (
        reverse("referrals:inbox")
        if can(request.user, "receive_referrals")
        else reverse("cases:detail", kwargs={"pk": ref.case_id}) + "#referrals"
    )
    if form.is_valid():
        try:
            rs.referral_update(actor=request.user, referral_id=referral_id, **form.cleaned_data)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("The referral was updated."))
        return redirect(back)
    return render(request, "referrals/status.html", {"form": form, "referral": ref}, status=400)
