"""HTML pages of family tracing and reunification. Thin: forms parse, services write,
selectors read.

A request, match, duplicate pair or case outside the user's scope is a 404 (the selector or
service raises PermissionDenied); a page the role may not use at all is a 403. Forms post
with htmx and work without JavaScript: success redirects, errors re-render with the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.cases import selectors as case_selectors
from kinlink.web.pages import page as _page
from kinlink.web.pages import require_role as _require

from . import choices as t
from . import forms as f
from . import selectors
from . import services as ts
from . import web_selectors as ws
from .explain import explain_match
from .models import PotentialMatch

PAGE_SIZE = 25


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _tabs(active: str) -> dict:
    return {"nav_active": "tracing", "tracing_tab": active}


# --------------------------------------------------------------------------- requests


@require_GET
@_page
def request_list(request):
    _require(request.user, "work_case", "see_team")
    paginator = Paginator(selectors.requests_list(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    ws.audit_requests_listed(user=request.user, requests=rows)
    pending = dict(
        PotentialMatch.objects.system("counts for requests already in scope")
        .filter(trace__request__in=[r.pk for r in rows], state=t.MatchState.PENDING)
        .values_list("trace__request")
        .annotate(n=Count("pk"))
    )
    for r in rows:
        r.pending_matches = pending.get(r.pk, 0)
    ctx = _tabs("requests") | {
        "page": page,
        "requests": rows,
        "can_create": can(request.user, "work_case"),
    }
    return render(request, "tracing/request_list.html", ctx)


@require_http_methods(["GET", "POST"])
@_page
def request_create(request):
    _require(request.user, "work_case")
    ctx = _tabs("requests")
    if request.method == "GET":
        ctx |= {
            "form": f.RequestForm(initial={"inquiry_date": timezone.localdate()}),
            "formset": f.TraceFormSet(prefix="child"),
        }
        return render(request, "tracing/request_form.html", ctx)
    form = f.RequestForm(request.POST)
    formset = f.TraceFormSet(request.POST, prefix="child")
    ctx |= {"form": form, "formset": formset}
    if not (form.is_valid() and formset.is_valid()):
        return render(request, "tracing/request_form.html", ctx)
    try:
        req = ts.tracing_request_create(actor=request.user, data=f.request_input(form, formset))
    except ValidationError as exc:
        f.attach_request_errors(exc, form, formset)
        return render(request, "tracing/request_form.html", ctx)
    messages.success(
        request,
        _(
            "Tracing request %(number)s was registered. Matching runs in the background; "
            "potential matches appear below when found."
        )
        % {"number": req.number},
    )
    return redirect("tracing:request", pk=req.pk)


def _render_request(
    request,
    pk,
    *,
    bound: dict | None = None,
    open_form: str = "",
    cards_forms: dict | None = None,
    close_form: f.CloseRequestForm | None = None,
    status: int = 200,
):
    req = selectors.request_get(user=request.user, request_id=pk)
    bound = bound or {}
    is_open = req.status == t.RequestStatus.OPEN
    may_work = is_open and can(request.user, "work_case") and _request_changeable(request.user, req)
    traces = list(req.traces.all())
    for trace in traces:
        trace.action_list = list(trace.actions.select_related("author"))
        trace.cards = ws.cards_for_trace(user=request.user, trace_id=trace.pk)
        for card in trace.cards:
            card.forms = (cards_forms or {}).get(card.pk, {})
        key = f"trace-{trace.pk}"
        trace.form_key = key
        trace.action_form = (
            bound.get(key) or f.TracingActionForm(prefix=f"t-{trace.pk.hex[:8]}")
            if may_work
            else None
        )
    ctx = _tabs("requests") | {
        "req": req,
        "traces": traces,
        "may_work": may_work,
        "open_form": "close" if close_form is not None else open_form,
        "close_form": (close_form or f.CloseRequestForm(prefix="close")) if may_work else None,
    }
    return render(request, "tracing/request_detail.html", ctx, status=status)


def _request_changeable(user, req) -> bool:
    from .models import TracingRequest

    return TracingRequest.objects.restrict(user, "change").filter(pk=req.pk).exists()


@require_GET
@_page
def request_detail(request, pk):
    _require(request.user, "work_case", "see_team")
    return _render_request(request, pk)


@require_POST
@_page
def trace_action_add(request, pk, trace_id):
    _require(request.user, "work_case")
    req = selectors.request_get(user=request.user, request_id=pk)
    trace = req.traces.filter(pk=trace_id).first()
    if trace is None:
        raise Http404
    form = f.TracingActionForm(request.POST, prefix=f"t-{trace.pk.hex[:8]}")
    key = f"trace-{trace.pk}"
    if form.is_valid():
        try:
            ts.tracing_action_record(actor=request.user, trace_id=trace.pk, **form.kwargs())
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            messages.success(request, _("The tracing action was recorded."))
            return redirect(reverse("tracing:request", kwargs={"pk": pk}) + f"#{key}")
    return _render_request(request, pk, bound={key: form}, open_form=key)


@require_POST
@_page
def request_close(request, pk):
    _require(request.user, "work_case")
    req = selectors.request_get(user=request.user, request_id=pk)
    form = f.CloseRequestForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            ts.tracing_request_close(
                actor=request.user,
                request_id=req.pk,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            messages.success(request, _("The tracing request was closed."))
            return redirect("tracing:request", pk=req.pk)
    return _render_request(request, pk, close_form=form, status=400)


# --------------------------------------------------------------------------- matches


@require_GET
@_page
def matches_review(request):
    _require(request.user, "work_case")
    ctx = _tabs("matches") | {
        "cards": ws.review_cards(user=request.user),
        "disclosures": ws.disclosure_requests_to_decide(user=request.user),
    }
    return render(request, "tracing/matches.html", ctx)


def _render_match(request, match_id, *, forms_: dict | None = None, status=200):
    match = ws.match_get(user=request.user, match_id=match_id)
    card = ws.match_card(user=request.user, match=match)
    card.forms = forms_ or {}
    ctx = _tabs("matches") | {"card": card, "messages_in_body": True, "card_messages": True}
    response = render(request, "tracing/match.html", ctx, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@_page
def match_detail(request, match_id):
    _require(request.user, "work_case", "see_team")
    return _render_match(request, match_id)


def _to_match(match_id):
    return redirect("tracing:match", match_id=match_id)


@require_POST
@_page
def match_review(request, match_id):
    _require(request.user, "work_case")
    if not ws.on_request_side(user=request.user, match_id=match_id):
        raise Http404  # only the enquirer's side confirms or rejects: check before the form
    form = f.ReviewForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            ts.match_review(
                actor=request.user,
                match_id=match_id,
                confirm=confirm,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            messages.success(
                request, _("The match was confirmed.") if confirm else _("The match was rejected.")
            )
            return _to_match(match_id)
    return _render_match(request, match_id, forms_={"review": form})


@require_POST
@_page
def match_disclosure_request(request, match_id):
    _require(request.user, "work_case")
    try:
        ts.match_disclosure_request(actor=request.user, match_id=match_id)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(
            request, _("The child's caseworker was asked to disclose the child's details.")
        )
    return _to_match(match_id)


@require_POST
@_page
def match_disclosure_decide(request, match_id):
    _require(request.user, "work_case")
    if not ws.on_child_side(user=request.user, match_id=match_id):
        raise Http404  # the decision is the child's caseworker's: check before the form
    form = f.DisclosureDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to agree or refuse."))
        return _to_match(match_id)
    agree = form.cleaned_data["decision"] == "agree"
    try:
        ts.match_disclosure_decide(actor=request.user, match_id=match_id, agree=agree)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(
            request,
            _("You agreed to disclose the child's details.")
            if agree
            else _("You refused to disclose the child's details."),
        )
    return _to_match(match_id)


# --------------------------------------------------------------------------- duplicates


def _duplicate_rows(request, bound: dict | None = None):
    rows = list(
        selectors.duplicates_to_review(user=request.user).select_related(
            "case_a", "case_a__child", "case_a__office", "case_b", "case_b__child", "case_b__office"
        )
    )
    bound = bound or {}
    for dup in rows:
        dup.form = bound.get(dup.pk) or f.DuplicateDecisionForm(
            prefix=f"d-{dup.pk.hex[:8]}", dup=dup
        )
        dup.rows = explain_match(dup.explanation)
    case_selectors.audit_list_read(
        user=request.user,
        cases=list({c.pk: c for d in rows for c in (d.case_a, d.case_b)}.values()),
    )
    return rows


@require_GET
@_page
def duplicates(request):
    _require(request.user, "work_case")
    return render(
        request,
        "tracing/duplicates.html",
        _tabs("duplicates") | {"duplicates": _duplicate_rows(request)},
    )


@require_POST
@_page
def duplicate_decide(request, duplicate_id):
    _require(request.user, "work_case")
    dup = (
        selectors.duplicates_to_review(user=request.user)
        .filter(pk=duplicate_id)
        .select_related("case_a", "case_b")
        .first()
    )
    if dup is None:
        raise Http404
    form = f.DuplicateDecisionForm(request.POST, prefix=f"d-{dup.pk.hex[:8]}", dup=dup)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        keep = {"keep_a": dup.case_a_id, "keep_b": dup.case_b_id}.get(decision)
        try:
            ts.duplicate_decide(
                actor=request.user,
                duplicate_id=dup.pk,
                same_child=keep is not None,
                reason=form.cleaned_data.get("reason", ""),
                keep_case_id=keep,
            )
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            if keep is None:
                messages.success(request, _("Recorded: these are different children."))
            else:
                other = dup.case_b if keep == dup.case_a_id else dup.case_a
                messages.success(
                    request,
                    _("Case %(number)s was marked as a duplicate.") % {"number": other.number},
                )
            return redirect("tracing:duplicates")
    return render(
        request,
        "tracing/duplicates.html",
        _tabs("duplicates") | {"duplicates": _duplicate_rows(request, {dup.pk: form})},
    )


# --------------------------------------------------------------------------- the child's side


def _render_case(request, pk, *, bound: dict, open_form: str):
    """The case page again, with a tracing form and its errors (no-JS and htmx alike)."""
    from kinlink.cases import views as case_views

    case = case_selectors.case_get(user=request.user, case_id=pk)
    ctx = case_views._case_context(request, case, open_form=open_form)
    ctx["tracing_bound"] = bound
    template = "cases/_case_body.html" if _is_htmx(request) else "cases/detail.html"
    response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _case_action(request, pk, key, form, perform, success_message):
    _require(request.user, "work_case")
    if form.is_valid():
        try:
            perform(form)
        except ValidationError as exc:
            labels = f.verification_labels() if key.startswith("verification") else None
            f.attach_errors(exc, form, labels=labels)
        else:
            messages.success(request, success_message)
            return redirect(reverse("cases:detail", kwargs={"pk": pk}) + "#tracing")
    return _render_case(request, pk, bound={key: form}, open_form=key)


def _case_view(view):
    return require_POST(_page(view))


@_case_view
def case_flags(request, pk):
    return _case_action(
        request,
        pk,
        "tracing-flags",
        f.FlagsForm(request.POST),
        lambda form: ts.tracing_flags_set(actor=request.user, case_id=pk, **form.cleaned_data),
        _("The tracing flags were saved."),
    )


@_case_view
def case_action_add(request, pk):
    return _case_action(
        request,
        pk,
        "tracing-action",
        f.TracingActionForm(request.POST, prefix="tracing"),
        lambda form: ts.tracing_action_record(actor=request.user, case_id=pk, **form.kwargs()),
        _("The tracing action was recorded."),
    )


def _matched_traces(user, pk):
    case = case_selectors.case_get(user=user, case_id=pk, audit_read=False)
    return ws.case_tracing_overview(user=user, case=case)["matched_traces"]


@_case_view
def verification_add(request, pk):
    _require(request.user, "work_case")
    form = f.VerificationForm(
        request.POST, prefix="verification", traces=_matched_traces(request.user, pk)
    )
    return _case_action(
        request,
        pk,
        "verification",
        form,
        lambda form: ts.verification_create(actor=request.user, case_id=pk, data=form.to_input()),
        _("The verification was saved. Submit its result when the interviews are done."),
    )


@_case_view
def verification_submit(request, pk, verification_id):
    key = f"verification-{verification_id}"
    return _case_action(
        request,
        pk,
        key,
        f.VerificationSubmitForm(request.POST, prefix=f"v-{verification_id.hex[:8]}"),
        lambda form: ts.verification_submit(
            actor=request.user,
            case_id=pk,
            verification_id=verification_id,
            status=form.cleaned_data["status"],
        ),
        _("The verification was submitted to a supervisor for approval."),
    )


@_case_view
def reunification_add(request, pk):
    _require(request.user, "work_case")
    case = case_selectors.case_get(user=request.user, case_id=pk, audit_read=False)
    # Every verification of the case is a valid choice here: the service refuses (rule 23)
    # any that is not verified, approved and recommending reunification, with its reason.
    form = f.ReunificationForm(
        request.POST, prefix="reunification", verifications=list(case.verifications.all())
    )
    return _case_action(
        request,
        pk,
        "reunification",
        form,
        lambda form: ts.reunification_record(actor=request.user, case_id=pk, data=form.to_input()),
        _("The reunification was recorded and the first follow-up visit scheduled."),
    )
