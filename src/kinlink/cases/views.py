"""HTML pages of the case workflow. Thin: forms parse, services write, selectors read.

A case, attachment or approval outside the user's scope is a 404 (the selector or service
raises PermissionDenied); a page the role may not use at all is a 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.models import Office
from kinlink.accounts.roles import Scope, can, case_scope

from . import choices as c
from . import forms as f
from . import rules, selectors
from . import services as cs
from .models import Approval

PAGE_SIZE = 25


def _require(user, *capabilities: str) -> None:
    """403 unless the role has one of the capabilities (the page is not for this role)."""
    if not any(can(user, cap) for cap in capabilities):
        raise PermissionDenied


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _not_found_on_denied(view):
    """A selector's or service's PermissionDenied about one record becomes a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _RoleDenied:
            raise PermissionDenied
        except PermissionDenied:
            raise Http404(_("No such record."))

    return wrapper


class _RoleDenied(Exception):
    """Raised inside record views when the role (not the record) is refused: stays a 403."""


def _require_role(user, *capabilities: str) -> None:
    if not any(can(user, cap) for cap in capabilities):
        raise _RoleDenied


def _offices_for(user):
    scope = case_scope(user, "view")
    if scope == Scope.AGENCY and user.agency_id:
        return list(Office.objects.filter(agency_id=user.agency_id).select_related("agency"))
    if scope == Scope.NATIONAL and user.agency_id:
        return list(
            Office.objects.filter(agency__country=user.agency.country).select_related("agency")
        )
    return []


# --------------------------------------------------------------------------- list


@login_required
@require_GET
def case_list(request):
    _require(request.user, "work_case", "see_team")
    form = f.CaseSearchForm(request.GET or None, offices=_offices_for(request.user))
    filters = form.to_filters() if form.is_valid() else selectors.CaseFilters()
    paginator = Paginator(selectors.case_list(user=request.user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    cases = list(page.object_list)
    selectors.audit_list_read(user=request.user, cases=cases, query=filters.q)
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "cases": cases,
        "querystring": params.urlencode(),
        "now": timezone.now(),
        "nav_active": "cases",
    }
    template = "cases/_results.html" if _is_htmx(request) else "cases/list.html"
    response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --------------------------------------------------------------------------- registration


@login_required
@require_http_methods(["GET", "POST"])
def case_register(request):
    _require(request.user, "register_child")
    ctx = {"nav_active": "register", "duplicates": None}
    if request.method == "GET":
        ctx |= {
            "child_form": f.ChildForm(),
            "intake_form": f.IntakeForm(),
            "family_formset": f.FamilyFormSet(prefix="family"),
            "document_formset": f.DocumentFormSet(prefix="documents"),
        }
        return render(request, "cases/register.html", ctx)

    child_form = f.ChildForm(request.POST)
    intake_form = f.IntakeForm(request.POST)
    family_formset = f.FamilyFormSet(request.POST, prefix="family")
    document_formset = f.DocumentFormSet(request.POST, prefix="documents")
    ctx |= {
        "child_form": child_form,
        "intake_form": intake_form,
        "family_formset": family_formset,
        "document_formset": document_formset,
    }
    valid = all(
        [
            child_form.is_valid(),
            intake_form.is_valid(),
            family_formset.is_valid(),
            document_formset.is_valid(),
        ]
    )
    if not valid:
        return render(request, "cases/register.html", ctx)
    child_input = child_form.to_input()
    # The service's own checks first, so errors show before any duplicate warning.
    errors = cs.validate_child_input(child_input, timezone.localdate())
    if errors:
        f.attach_errors(ValidationError(errors), child_form)
        return render(request, "cases/register.html", ctx)

    if request.POST.get("register_anyway") != "1":
        visible = selectors.possible_duplicates(
            user=request.user,
            given_name=child_input.given_name,
            family_name=child_input.family_name,
            limit=100,
        )
        total = selectors.possible_duplicate_count(
            given_name=child_input.given_name, family_name=child_input.family_name
        )
        if total:
            shown = visible[:10]
            selectors.audit_duplicates_shown(user=request.user, children=shown)
            ctx["duplicates"] = {
                "shown": shown,
                "more_visible": max(0, len(visible) - len(shown)),
                "hidden": max(0, total - len(visible)),
                "total": total,
            }
            return render(request, "cases/register.html", ctx)

    try:
        case = cs.child_register(
            actor=request.user,
            child=child_input,
            case=intake_form.to_input(),
            family=[form.to_input() for form in f.filled(family_formset)],
            documents=[form.to_input() for form in f.filled(document_formset)],
        )
    except ValidationError as exc:
        f.attach_errors(exc, child_form, intake_form)
        return render(request, "cases/register.html", ctx)
    messages.success(request, _("Case %(number)s was registered.") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


# --------------------------------------------------------------------------- case page


def _permissions(user, case) -> dict:
    changeable = selectors.case_can_change(user=user, case=case)
    work = can(user, "work_case") and changeable
    return {
        "work": work and case.is_open,
        "edit": work,
        "closure": work and case.is_open and case.stage != c.Stage.CLOSURE_PENDING,
        "reopen": can(user, "approve") and changeable and case.status == c.CaseStatus.CLOSED,
        "reassign": can(user, "reassign") and case.is_open,
    }


def _case_context(request, case, *, bound: dict | None = None, open_form: str = "") -> dict:
    user = request.user
    perms = _permissions(user, case)
    assessments = list(case.assessments.all())
    plans = list(case.plans.prefetch_related("goals__actions"))
    editable_assessments = {
        a.pk
        for a in assessments
        if perms["work"] and a.state in (c.ApprovalState.DRAFT, c.ApprovalState.REJECTED)
    }
    plan_creatable = (
        perms["work"]
        and any(
            a.kind == c.AssessmentKind.COMPREHENSIVE and a.state == c.ApprovalState.APPROVED
            for a in assessments
        )
        and not any(p.state in (c.ApprovalState.DRAFT, c.ApprovalState.PENDING) for p in plans)
    )
    bound = bound or {}
    forms_ = {
        "risk": f.RiskForm(initial={"risk_level": case.risk_level}),
        "consent": f.ConsentForm(initial={"given_on": timezone.localdate()}),
        "plan": f.CasePlanForm(),
        "followup": f.FollowUpForm(initial={"done_on": timezone.localdate()}),
        "note": f.NoteForm(),
        "attachment": f.AttachmentForm(),
        "closure": f.ClosureForm(),
        "reopen": f.ReopenForm(),
        "family": f.FamilyForm(),
        "document": f.DocumentForm(),
        "other_name": f.OtherNameForm(),
        "child": f.ChildEditForm.for_child(case.child),
    }
    if perms["reassign"]:
        forms_["reassign"] = f.ReassignForm(candidates=selectors.reassign_candidates(user=user))
    assessment_forms = {}
    for a in assessments:
        if a.pk in editable_assessments:
            key = f"assessment-{a.pk}"
            assessment_forms[a.pk] = bound.get(key) or f.AssessmentForm(assessment=a)
    forms_.update({k: v for k, v in bound.items() if not k.startswith("assessment-")})
    for a in assessments:
        a.edit_form = assessment_forms.get(a.pk)
        a.form_key = f"assessment-{a.pk}"
    approvals = list(case.approvals.select_related("requested_by", "decided_by"))
    return {
        "case": case,
        "child": case.child,
        "other_names": list(case.child.other_names.all()),
        "family": list(case.child.family.all()),
        "documents": list(case.child.documents.all()),
        "consents": list(case.consents.select_related("recorded_by")),
        "assessments": assessments,
        "plans": plans,
        "action_statuses": c.ActionStatus.choices,
        "followups": list(case.followups.select_related("author")),
        "notes": list(case.notes.select_related("author")),
        "attachments": list(case.attachments.select_related("uploaded_by")),
        "approvals": approvals,
        "due_items": rules.due_items(case),
        "perms": perms,
        "plan_creatable": plan_creatable,
        "forms": forms_,
        "open_form": open_form,
        "messages_in_body": True,
        "nav_active": "cases",
    }


def _render_case(request, case_id, *, bound=None, open_form="", status=200):
    case = selectors.case_get(user=request.user, case_id=case_id)
    ctx = _case_context(request, case, bound=bound, open_form=open_form)
    template = "cases/_case_body.html" if _is_htmx(request) else "cases/detail.html"
    response = render(request, template, ctx, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
@_not_found_on_denied
def case_detail(request, pk):
    return _render_case(request, pk)


@login_required
@require_GET
@_not_found_on_denied
def case_print(request, pk):
    """A printable summary (A4, no navigation), marked confidential; the print is audited."""
    case = selectors.case_get_for_print(user=request.user, case_id=pk)
    ctx = {
        "case": case,
        "child": case.child,
        "assessments": case.assessments.all(),
        "plans": case.plans.prefetch_related("goals__actions"),
        "followups": case.followups.all(),
        "family": case.child.family.all(),
        "printed_at": timezone.now(),
    }
    return render(request, "cases/print.html", ctx)


def _case_action(request, pk, key, form, perform, success_message, *, capability="work_case"):
    """Shared shape of every case action: role check, parse, call the service, respond."""
    _require_role(request.user, capability)
    if form.is_valid():
        try:
            perform(form)
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            messages.success(request, success_message)
            return redirect(reverse("cases:detail", kwargs={"pk": pk}) + f"#action-{key}")
    return _render_case(request, pk, bound={key: form}, open_form=key)


def _action_view(view):
    return login_required(require_POST(_not_found_on_denied(view)))


@_action_view
def case_set_risk(request, pk):
    return _case_action(
        request,
        pk,
        "risk",
        f.RiskForm(request.POST),
        lambda form: cs.case_set_risk(
            actor=request.user,
            case_id=pk,
            risk_level=form.cleaned_data["risk_level"],
            reason=form.cleaned_data["reason"],
        ),
        _("The risk level was changed."),
    )


@_action_view
def consent_add(request, pk):
    return _case_action(
        request,
        pk,
        "consent",
        f.ConsentForm(request.POST),
        lambda form: cs.consent_record(actor=request.user, case_id=pk, data=form.to_input()),
        _("The consent was recorded."),
    )


@_action_view
def assessment_save(request, pk, assessment_id):
    _require_role(request.user, "work_case")
    case = selectors.case_get(user=request.user, case_id=pk, audit_read=False)
    assessment = case.assessments.filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    key = f"assessment-{assessment.pk}"
    form = f.AssessmentForm(request.POST, assessment=assessment)
    submit = request.POST.get("submit") == "1"
    if form.is_valid():
        try:
            cs.assessment_save(
                actor=request.user,
                case_id=pk,
                assessment_id=assessment.pk,
                findings=form.findings(),
                child_views=form.cleaned_data["child_views"],
                proposed_risk_level=form.cleaned_data["proposed_risk_level"],
            )
            if submit:
                cs.assessment_submit(actor=request.user, case_id=pk, assessment_id=assessment.pk)
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            messages.success(
                request,
                _("The assessment was submitted for approval.")
                if submit
                else _("The assessment was saved."),
            )
            return redirect(reverse("cases:detail", kwargs={"pk": pk}) + "#assessments")
    return _render_case(request, pk, bound={key: form}, open_form=key)


@_action_view
def plan_create(request, pk):
    return _case_action(
        request,
        pk,
        "plan",
        f.CasePlanForm(request.POST),
        lambda form: cs.case_plan_create(actor=request.user, case_id=pk, goals=form.goals()),
        _("The case plan was saved as a draft."),
    )


@_action_view
def plan_submit(request, pk, plan_id):
    _require_role(request.user, "work_case")
    try:
        cs.case_plan_submit(actor=request.user, case_id=pk, plan_id=plan_id)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("The case plan was submitted for approval."))
    return redirect(reverse("cases:detail", kwargs={"pk": pk}) + "#plans")


@_action_view
def plan_action_status(request, pk, action_id):
    _require_role(request.user, "work_case")
    try:
        cs.plan_action_set_status(
            actor=request.user,
            case_id=pk,
            action_id=action_id,
            status=request.POST.get("status", ""),
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("The action's status was updated."))
    return redirect(reverse("cases:detail", kwargs={"pk": pk}) + "#plans")


@_action_view
def followup_add(request, pk):
    def perform(form):
        d = form.cleaned_data
        cs.followup_record(
            actor=request.user,
            case_id=pk,
            done_on=d["done_on"],
            child_seen=d["child_seen"],
            notes=d.get("notes", ""),
            reason_not_seen=d.get("reason_not_seen", ""),
            kind=d["kind"],
            recommend_closure=d.get("recommend_closure", False),
        )

    return _case_action(
        request,
        pk,
        "followup",
        f.FollowUpForm(request.POST),
        perform,
        _("The follow-up was recorded."),
    )


@_action_view
def note_add(request, pk):
    return _case_action(
        request,
        pk,
        "note",
        f.NoteForm(request.POST),
        lambda form: cs.note_add(actor=request.user, case_id=pk, body=form.cleaned_data["body"]),
        _("The note was added."),
    )


@_action_view
def attachment_add(request, pk):
    from django.conf import settings

    def perform(form):
        upload = form.cleaned_data["file"]
        # Never read more than one byte past the limit: the service refuses what is too big.
        data = upload.read(settings.KINLINK_UPLOAD_MAX_BYTES + 1)
        cs.attachment_add(
            actor=request.user,
            case_id=pk,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            data=data,
        )

    return _case_action(
        request,
        pk,
        "attachment",
        f.AttachmentForm(request.POST, request.FILES),
        perform,
        _("The file was attached."),
    )


@login_required
@require_GET
@_not_found_on_denied
def attachment_download(request, pk, attachment_id):
    att = selectors.attachment_get(user=request.user, case_id=pk, attachment_id=attachment_id)
    data = cs.attachment_read(actor=request.user, attachment=att)
    response = HttpResponse(data, content_type=att.content_type)
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(
        att.content_type, "bin"
    )
    response["Content-Disposition"] = f'attachment; filename="attachment-{att.pk}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@_action_view
def closure_request(request, pk):
    return _case_action(
        request,
        pk,
        "closure",
        f.ClosureForm(request.POST),
        lambda form: cs.case_request_closure(
            actor=request.user,
            case_id=pk,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data.get("note", ""),
        ),
        _("Closure was requested."),
    )


@_action_view
def case_reopen(request, pk):
    return _case_action(
        request,
        pk,
        "reopen",
        f.ReopenForm(request.POST),
        lambda form: cs.case_reopen(
            actor=request.user, case_id=pk, reason=form.cleaned_data["reason"]
        ),
        _("The case was reopened."),
        capability="approve",
    )


@_action_view
def case_reassign(request, pk):
    form = f.ReassignForm(request.POST, candidates=selectors.reassign_candidates(user=request.user))
    return _case_action(
        request,
        pk,
        "reassign",
        form,
        lambda form: cs.case_reassign(
            actor=request.user,
            case_id=pk,
            new_owner_id=form.cleaned_data["owner"],
            reason=form.cleaned_data["reason"],
        ),
        _("The case was reassigned."),
        capability="reassign",
    )


@_action_view
def family_add(request, pk):
    return _case_action(
        request,
        pk,
        "family",
        f.FamilyForm(request.POST),
        lambda form: cs.family_member_add(actor=request.user, case_id=pk, data=form.to_input()),
        _("The family member was added."),
    )


@_action_view
def document_add(request, pk):
    return _case_action(
        request,
        pk,
        "document",
        f.DocumentForm(request.POST),
        lambda form: cs.document_add(actor=request.user, case_id=pk, data=form.to_input()),
        _("The document was added."),
    )


@_action_view
def other_name_add(request, pk):
    return _case_action(
        request,
        pk,
        "other_name",
        f.OtherNameForm(request.POST),
        lambda form: cs.other_name_add(
            actor=request.user,
            case_id=pk,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
        ),
        _("The name was added."),
    )


@_action_view
def child_edit(request, pk):
    return _case_action(
        request,
        pk,
        "child",
        f.ChildEditForm(request.POST),
        lambda form: cs.child_update(actor=request.user, case_id=pk, changes=form.changes()),
        _("The child's details were saved."),
    )


# --------------------------------------------------------------------------- approvals


def _approval_rows(request, bound: dict | None = None):
    pending = list(selectors.approvals_pending(user=request.user))
    bound = bound or {}
    for ap in pending:
        ap.form = bound.get(ap.pk) or f.ApprovalDecisionForm(prefix=f"ap-{ap.pk.hex[:8]}")
        # What is to be decided, read through the (already scoped) case.
        ap.assessment = ap.plan = None
        if ap.subject == Approval.Subject.ASSESSMENT:
            ap.assessment = ap.case.assessments.filter(pk=ap.subject_id).first()
        elif ap.subject == Approval.Subject.CASE_PLAN:
            ap.plan = (
                ap.case.plans.filter(pk=ap.subject_id).prefetch_related("goals__actions").first()
            )
    selectors.audit_list_read(
        user=request.user, cases=list({ap.case_id: ap.case for ap in pending}.values())
    )
    return pending


@login_required
@require_GET
def approvals_inbox(request):
    _require(request.user, "approve")
    return render(
        request,
        "cases/approvals.html",
        {"approvals": _approval_rows(request), "nav_active": "approvals"},
    )


@login_required
@require_POST
@_not_found_on_denied
def approval_decide(request, approval_id):
    _require_role(request.user, "approve")
    form = f.ApprovalDecisionForm(request.POST, prefix=f"ap-{approval_id.hex[:8]}")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            ap = cs.approval_decide(
                actor=request.user,
                approval_id=approval_id,
                approve=approve,
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as exc:
            f.attach_errors(exc, form)
        else:
            subject = Approval.Subject(ap.subject).label
            if approve:
                msg = _("Approved: %(subject)s for case %(number)s.")
            else:
                msg = _("Returned for changes: %(subject)s for case %(number)s.")
            messages.success(request, msg % {"subject": subject, "number": ap.case.number})
            return redirect("cases:approvals")
    rows = _approval_rows(request, bound={approval_id: form})
    if not any(ap.pk == approval_id for ap in rows):
        raise Http404
    return render(
        request,
        "cases/approvals.html",
        {"approvals": rows, "nav_active": "approvals"},
    )
