"""HTML endpoints of alternative care and best interests: forms on the case page post here.
Thin: forms parse, services write (and refuse, with the DOMAIN.md rule named). A case outside
the user's scope is a 404; a role that may not work cases gets a 403."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.cases import selectors as case_selectors
from kinlink.web.pages import RoleDenied as _RoleDenied
from kinlink.web.pages import page as _page

from . import bip, selectors
from . import choices as k
from . import forms as f
from . import services as cs


def _case_post(view):
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not can(request.user, "work_case"):
            raise _RoleDenied
        case_selectors.case_get(user=request.user, case_id=pk, action="change", audit_read=False)
        return view(request, pk, *args, **kwargs)

    return require_POST(_page(wrapper))


def attach_errors(exc: ValidationError, form) -> None:
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for key, errors in exc.message_dict.items():
        for msg in errors:
            form.add_error(key if key in form.fields else None, msg)


def _render_case(request, pk, *, bound: dict, open_key: str):
    from kinlink.cases import views as case_views

    case = case_selectors.case_get(user=request.user, case_id=pk)
    ctx = case_views._case_context(request, case)
    ctx |= {"care_bound": bound, "care_open": open_key}
    is_htmx = request.headers.get("HX-Request") == "true"
    response = render(request, "cases/_case_body.html" if is_htmx else "cases/detail.html", ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _act(request, pk, key, form, perform, done: str, anchor: str = "care"):
    if form.is_valid():
        try:
            perform(form)
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, done)
            return redirect(reverse("cases:detail", kwargs={"pk": pk}) + f"#{anchor}")
    return _render_case(request, pk, bound={key: form}, open_key=key)


def _simple(request, pk, perform, done: str, anchor: str = "care"):
    """A button without a form: refusals show as a message on the case page."""
    try:
        perform()
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, done)
    return redirect(reverse("cases:detail", kwargs={"pk": pk}) + f"#{anchor}")


def _providers(request, pk):
    case = case_selectors.case_get(user=request.user, case_id=pk, audit_read=False)
    return selectors.providers_for(user=request.user, country=case.agency.country)


# --------------------------------------------------------------------------- placements


@_case_post
def placement_add(request, pk):
    form = f.PlacementForm(request.POST, prefix="placement", providers=_providers(request, pk))
    return _act(
        request,
        pk,
        "care-placement",
        form,
        lambda fm: cs.placement_propose(actor=request.user, case_id=pk, data=fm.to_input()),
        _("The care arrangement was recorded."),
    )


def _assessments(request, pk):
    case = case_selectors.case_get(user=request.user, case_id=pk, audit_read=False)
    return list(case.assessments.all())


@_case_post
def gatekeeping_add(request, pk, placement_id):
    form = f.GatekeepingForm(
        request.POST, prefix=f"gk-{placement_id.hex[:8]}", assessments=_assessments(request, pk)
    )
    return _act(
        request,
        pk,
        f"care-gk-{placement_id}",
        form,
        lambda fm: cs.gatekeeping_decide(
            actor=request.user, case_id=pk, placement_id=placement_id, data=fm.to_input()
        ),
        _("The gatekeeping decision was recorded."),
        f"placement-{placement_id}",
    )


@_case_post
def placement_start(request, pk, placement_id):
    return _simple(
        request,
        pk,
        lambda: cs.placement_start(actor=request.user, case_id=pk, placement_id=placement_id),
        _("The placement started."),
        f"placement-{placement_id}",
    )


@_case_post
def review_add(request, pk, placement_id):
    form = f.ReviewForm(request.POST, prefix=f"rv-{placement_id.hex[:8]}")
    return _act(
        request,
        pk,
        f"review-{placement_id}",
        form,
        lambda fm: cs.placement_review(
            actor=request.user, case_id=pk, placement_id=placement_id, data=fm.to_input()
        ),
        _("The review was recorded."),
        f"placement-{placement_id}",
    )


@_case_post
def placement_end(request, pk, placement_id):
    form = f.EndForm(request.POST, prefix=f"end-{placement_id.hex[:8]}")
    return _act(
        request,
        pk,
        f"end-{placement_id}",
        form,
        lambda fm: cs.placement_end(
            actor=request.user,
            case_id=pk,
            placement_id=placement_id,
            ended_on=fm.cleaned_data["ended_on"],
            reason=fm.cleaned_data["reason"],
        ),
        _("The placement ended."),
        f"placement-{placement_id}",
    )


@_case_post
def guardian_add(request, pk):
    form = f.GuardianForm(request.POST, prefix="guardian")
    return _act(
        request,
        pk,
        "care-guardian",
        form,
        lambda fm: cs.guardian_appoint(actor=request.user, case_id=pk, **fm.cleaned_data),
        _("The guardian's appointment was recorded."),
        "guardianship",
    )


# --------------------------------------------------------------------------- best interests


def _bids(request, pk):
    case = case_selectors.case_get(user=request.user, case_id=pk, audit_read=False)
    return selectors.case_care(user=request.user, case=case)["completed_bids"]


@_case_post
def bip_add(request, pk):
    form = f.BipStartForm(request.POST, prefix="bip", bids=_bids(request, pk))
    return _act(
        request,
        pk,
        "care-bip",
        form,
        lambda fm: bip.bip_start(
            actor=request.user,
            case_id=pk,
            kind=fm.cleaned_data["kind"],
            trigger=fm.cleaned_data["trigger"],
            reviews_id=fm.cleaned_data["reviews_id"] or None,
        ),
        _("The best-interests process was started."),
        "best-interests",
    )


@_case_post
def bia_complete(request, pk, process_id):
    form = f.BiaForm(request.POST, prefix=f"bia-{process_id.hex[:8]}")
    return _act(
        request,
        pk,
        f"bia-{process_id}",
        form,
        lambda fm: bip.bia_complete(
            actor=request.user,
            case_id=pk,
            process_id=process_id,
            child_views=fm.cleaned_data["child_views"],
            findings=fm.cleaned_data["findings"],
            recommendation=fm.cleaned_data["decision"],
        ),
        _("The assessment was completed."),
        "best-interests",
    )


@_case_post
def panel_add(request, pk, process_id):
    from kinlink.accounts.models import User

    colleagues = User.objects.filter(is_active=True, agency_id=request.user.agency_id)
    form = f.PanelForm(request.POST, prefix=f"panel-{process_id.hex[:8]}", colleagues=colleagues)
    return _act(
        request,
        pk,
        f"panel-{process_id}",
        form,
        lambda fm: bip.bid_panel_add(
            actor=request.user,
            case_id=pk,
            process_id=process_id,
            user_id=fm.cleaned_data["user_id"] or None,
            name=fm.cleaned_data["name"],
            expertise=fm.cleaned_data["expertise"],
            confidentiality_signed=fm.cleaned_data["confidentiality_signed"],
        ),
        _("The panel member was added."),
        "best-interests",
    )


@_case_post
def bid_decide(request, pk, process_id):
    form = f.BidForm(request.POST, prefix=f"bid-{process_id.hex[:8]}")
    return _act(
        request,
        pk,
        f"bid-{process_id}",
        form,
        lambda fm: bip.bid_decide(
            actor=request.user, case_id=pk, process_id=process_id, data=fm.to_input()
        ),
        _("The decision was recorded."),
        "best-interests",
    )


def _reviews_of(request, pk, process_id):
    """Completed BID review reports of this BID (the choices of the reopen form)."""
    case = case_selectors.case_get(user=request.user, case_id=pk, audit_read=False)
    bips = selectors.case_care(user=request.user, case=case)["bips"]
    return [
        b
        for b in bips
        if b.kind == k.BipKind.BID_REVIEW and b.completed and b.reviews_id == process_id
    ]


@require_POST
@_page
def bid_reopen(request, pk, process_id):
    """Rule 32: reopening a BID is a supervisor's decision on a BID review report."""
    if not can(request.user, "approve"):
        raise _RoleDenied
    case_selectors.case_get(user=request.user, case_id=pk, action="change", audit_read=False)
    form = f.ReopenForm(
        request.POST,
        prefix=f"reopen-{process_id.hex[:8]}",
        reviews=_reviews_of(request, pk, process_id),
    )
    return _act(
        request,
        pk,
        f"reopen-{process_id}",
        form,
        lambda fm: bip.bid_reopen(
            actor=request.user,
            case_id=pk,
            process_id=process_id,
            review_id=fm.cleaned_data["review_id"] or None,
            reason=fm.cleaned_data["reason"],
        ),
        _("The BID was reopened; a new determination has started."),
        "best-interests",
    )


@_case_post
def solution_add(request, pk):
    form = f.SolutionForm(request.POST, prefix="solution")
    return _act(
        request,
        pk,
        "care-solution",
        form,
        lambda fm: bip.solution_propose(actor=request.user, case_id=pk, data=fm.to_input()),
        _("The durable solution was proposed."),
        "best-interests",
    )


@_case_post
def solution_implement(request, pk, solution_id):
    form = f.ImplementForm(request.POST, prefix=f"impl-{solution_id.hex[:8]}")
    return _act(
        request,
        pk,
        f"implement-{solution_id}",
        form,
        lambda fm: bip.solution_implement(
            actor=request.user, case_id=pk, solution_id=solution_id, **fm.cleaned_data
        ),
        _("The implementation was recorded."),
        "best-interests",
    )


# --------------------------------------------------------------------------- care providers


@require_http_methods(["GET", "POST"])
@_page
def providers(request):
    """The register of care providers (everyone who works cases reads it; admins add)."""
    user = request.user
    if not (can(user, "manage_services") or can(user, "work_case") or can(user, "see_team")):
        raise _RoleDenied
    form = None
    if can(user, "manage_services"):
        form = f.ProviderForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                cs.provider_create(actor=user, data=form.to_input())
            except ValidationError as exc:
                attach_errors(exc, form)
            else:
                messages.success(request, _("The care provider was added."))
                return redirect("care:providers")
    elif request.method == "POST":
        raise _RoleDenied
    return render(
        request,
        "care/providers.html",
        {
            "providers": selectors.providers_for(user=user).select_related("agency"),
            "form": form,
            "nav_active": "care",
        },
    )
