"""HTML pages of the cross-border exchange, the machine-to-machine inbox and the node
document. Thin: parse, call a service or selector, render.

A record outside the user's scope is a 404; a page the role may not use is a 403. The inbox
takes no session: its caller is authenticated by the message signature alone.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.core import audit
from kinlink.web.pages import page as _page
from kinlink.web.pages import require_role as _require

from . import protocol, selectors
from . import services as xs
from . import tracing_services as tq
from .models import HeldMessage, OutboundMessage, PartnerNode
from .profiles import LEGAL_BASIS_LABELS, REQUEST_CODES, TYPES, request_type_choices


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{m}" for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _flash_errors(request, exc: ValidationError) -> None:
    for m in _errors(exc):
        messages.error(request, m)


CTX = {"nav_active": "exchange"}


# --------------------------------------------------------------------------- requests


@require_GET
@_page
def home(request):
    _require(request.user, "exchange", "work_case", "see_team", "approve")
    rows = selectors.requests_list(user=request.user)
    audit.record(
        actor=request.user,
        action="view",
        object_type="exchange.crossborderrequest",
        detail={"list": len(rows)},
    )
    return render(
        request,
        "exchange/home.html",
        CTX
        | {
            "requests": rows,
            "pending_queries": tq.pending_query_approvals(user=request.user),
            "is_coordinator": can(request.user, "exchange"),
            "can_import": can(request.user, "exchange"),
        },
    )


@require_GET
@_page
def request_detail(request, pk):
    _require(request.user, "exchange", "work_case", "see_team", "approve")
    req = selectors.request_get(user=request.user, request_id=pk)
    audit.record(actor=request.user, action="view", obj=req, case_id=req.case_id)
    ctx = CTX | {
        "req": req,
        "preview": selectors.preview(req),
        "timeline": selectors.timeline(req),
        "outbox": list(req.outbound.all()),
        "is_coordinator": can(request.user, "exchange"),
        "may_work": can(request.user, "work_case") and req.direction == "out",
        "assignees": selectors.assignees(request.user) if req.direction == "in" else [],
        "followup_fields": TYPES["follow_up_report"].fields,
        "may_review": can(request.user, "work_case")
        and req.needs_restriction_review
        and selectors.case_may_change(user=request.user, case=req.case),
        "outcomes": list(xs.REVIEW_OUTCOMES.items()),
        "may_approve_query": req.trace_id is not None
        and req.status == "pending_approval"
        and req in tq.pending_query_approvals(user=request.user),
    }
    return render(request, "exchange/request_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@_page
def trace_query_create(request, trace_id):
    """Prepare an encoded tracing query about one trace of a tracing request."""
    _require(request.user, "work_case")
    trace = tq.query_trace(user=request.user, trace_id=trace_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            req = xs.tracing_query_draft(
                actor=request.user,
                trace_id=trace.pk,
                partner_id=request.POST.get("partner") or None,
                purpose=request.POST.get("purpose", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                urgent=request.POST.get("urgent") == "on",
                retention_days=request.POST.get("retention_days") or 90,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, _("Draft saved. Record the do-no-harm check, then ask for approval.")
            )
            return redirect("exchange:request", pk=req.pk)
    audit.record(
        actor=request.user,
        action="view",
        obj=trace,
        detail={"tracing_request": str(trace.request_id), "page": "tracing query"},
    )
    ctx = CTX | {
        "trace": trace,
        "shared": trace.request.consent_to_share,
        "configured": tq.pprl_ready(),
        "partners": PartnerNode.objects.filter(
            status=PartnerNode.Status.ACTIVE, confirmed_at__isnull=False
        ),
        "bases": list(LEGAL_BASIS_LABELS.items()),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "exchange/trace_query_form.html", ctx, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@_page
def request_create(request, case_id):
    _require(request.user, "work_case")
    case = selectors.case_for_request(user=request.user, case_id=case_id)
    kind = request.POST.get("kind") or request.GET.get("kind") or "referral"
    if kind not in REQUEST_CODES:
        kind = "referral"
    values = xs.request_prefill(case, kind)
    errors: list[str] = []
    if request.method == "POST":
        values = {
            f.name: _field_value(f, request.POST.get(f"f_{f.name}", "")) for f in TYPES[kind].fields
        }
        try:
            req = xs.request_draft(
                actor=request.user,
                case_id=case.pk,
                partner_id=request.POST.get("partner") or None,
                kind=kind,
                fields=values,
                purpose=request.POST.get("purpose", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                urgent=request.POST.get("urgent") == "on",
                retention_days=_int(request.POST.get("retention_days"), 365),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Draft saved. Check what will leave the country."))
            return redirect("exchange:request", pk=req.pk)
    audit.record(actor=request.user, action="view", obj=case, case_id=case.pk)
    ctx = CTX | {
        "case": case,
        "kind": kind,
        "types": request_type_choices(),
        "fields": [(f, values.get(f.name, "")) for f in TYPES[kind].fields],
        "partners": PartnerNode.objects.filter(status=PartnerNode.Status.ACTIVE),
        "bases": list(LEGAL_BASIS_LABELS.items()),
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "exchange/request_form.html", ctx, status=400 if errors else 200)


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _field_value(spec, raw: str):
    raw = raw.strip()
    if not raw:
        return None
    if spec.kind == "int":
        return _int(raw, raw)
    if spec.kind == "bool":
        return raw in ("1", "yes", "on", "true")
    if spec.kind == "countries":
        return [c.strip().upper() for c in raw.split(",") if c.strip()]
    return raw


def _post_action(fn):
    """POST actions on a request: ValidationError → message, back to the request."""

    @require_POST
    @_page
    @wraps(fn)
    def wrapper(request, pk):
        try:
            fn(request, pk)
        except ValidationError as exc:
            _flash_errors(request, exc)
        return redirect("exchange:request", pk=pk)

    return wrapper


@_post_action
def request_harm(request, pk):
    _require(request.user, "work_case")
    xs.request_harm_check(
        actor=request.user,
        request_id=pk,
        risk=request.POST.get("risk") == "yes",
        note=request.POST.get("note", ""),
    )


@_post_action
def request_submit(request, pk):
    _require(request.user, "work_case")
    xs.request_submit(actor=request.user, request_id=pk)
    messages.success(request, _("Sent to your supervisor for approval."))


@_post_action
def request_approval_decide(request, pk):
    _require(request.user, "approve")
    decision = request.POST.get("decision", "")
    req = xs.tracing_query_decide(
        actor=request.user,
        request_id=pk,
        approve={"approve": True, "decline": False}.get(decision),
        reason=request.POST.get("reason", ""),
    )
    if req.status == "sent":
        messages.success(request, _("Approved: the query is on its way to the partner."))
    else:
        messages.info(request, _("Declined: the query went back to the caseworker."))


@require_POST
@_page
def trace_details_create(request, pk):
    """Ask the partner for the details of one likely match of an encoded tracing query."""
    _require(request.user, "work_case")
    try:
        req = xs.tracing_details_draft(
            actor=request.user,
            request_id=pk,
            reference=request.POST.get("reference", ""),
            information_sought=request.POST.get("information_sought", ""),
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("exchange:request", pk=pk)
    messages.success(request, _("Draft saved. Record the do-no-harm check, then ask for approval."))
    return redirect("exchange:request", pk=req.pk)


@_post_action
def request_acknowledge(request, pk):
    _require(request.user, "exchange")
    xs.request_acknowledge(actor=request.user, request_id=pk, note=request.POST.get("note", ""))


@_post_action
def request_decide(request, pk):
    _require(request.user, "exchange")
    xs.request_decide(
        actor=request.user,
        request_id=pk,
        accept=request.POST.get("decision") == "accept",
        reason=request.POST.get("reason", ""),
        assignee=request.POST.get("assignee") or None,
        case_number=request.POST.get("case_number", ""),
    )


@_post_action
def request_withdraw(request, pk):
    _require(request.user, "work_case", "exchange")
    xs.request_withdraw(actor=request.user, request_id=pk)


@_post_action
def request_restriction_review(request, pk):
    _require(request.user, "work_case")
    xs.restriction_review(
        actor=request.user,
        request_id=pk,
        outcome=request.POST.get("outcome", ""),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("The review was recorded."))


@_post_action
def request_followup(request, pk):
    _require(request.user, "exchange", "work_case")
    spec = TYPES["follow_up_report"].fields
    fields = {f.name: _field_value(f, request.POST.get(f"f_{f.name}", "")) for f in spec}
    if request.POST.get("f_child_seen") is None:
        fields["child_seen"] = None
    sent = xs.message_send(
        actor=request.user, request_id=pk, type_="follow_up_report", fields=fields
    )
    if isinstance(sent, HeldMessage):
        messages.success(
            request,
            _("The report carries the child's details: it leaves once a supervisor approves it."),
        )


# --------------------------------------------------------------------------- files


@require_GET
@_page
def message_export(request, pk):
    """The sealed message as a file for removable media or secure mail."""
    _require(request.user, "exchange")
    msg = OutboundMessage.objects.filter(pk=pk).select_related("request").first()
    if msg is None:
        raise PermissionDenied
    selectors.request_get(user=request.user, request_id=msg.request_id)
    OutboundMessage.objects.filter(pk=pk, status=OutboundMessage.Status.QUEUED).update(
        status=OutboundMessage.Status.EXPORTED
    )
    audit.record(
        actor=request.user,
        action="export",
        obj=msg,
        case_id=msg.request.case_id,
        detail={"to": msg.partner.node_id, "type": msg.type},
    )
    response = HttpResponse(msg.token, content_type="application/jose")
    response["Content-Disposition"] = f'attachment; filename="kinlink-{msg.pk}.jwe"'
    return response


@require_POST
@_page
def message_import(request):
    _require(request.user, "exchange")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a message file."))
        return redirect("exchange:home")
    if upload.size > protocol.MAX_TOKEN_BYTES:
        messages.error(request, protocol.REJECTIONS["oversized"])
        return redirect("exchange:home")
    try:
        xs.inbox_receive(upload.read(), channel="file")
    except protocol.Rejected as exc:
        messages.error(request, _("The file was refused: %(reason)s") % {"reason": exc.reason})
    except xs.DuplicateMessage:
        messages.info(request, _("This message was already received."))
    else:
        messages.success(request, _("The message was imported."))
    return redirect("exchange:home")


# --------------------------------------------------------------------------- partners, node


@require_GET
@_page
def partners(request):
    _require(request.user, "manage_exchange", "exchange")
    return render(
        request,
        "exchange/partners.html",
        CTX
        | {
            "partners": PartnerNode.objects.all(),
            "may_manage": can(request.user, "manage_exchange"),
            "node": xs.node_document(),
        },
    )


@require_POST
@_page
def partner_add(request):
    _require(request.user, "manage_exchange")
    try:
        document = json.loads(request.POST.get("document", ""))
        partner = xs.partner_add(actor=request.user, document=document)
    except ValueError:
        messages.error(request, _("Paste the partner's node document (JSON)."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        return redirect("exchange:partner", pk=partner.pk)
    return redirect("exchange:partners")


@require_GET
@_page
def partner(request, pk):
    _require(request.user, "manage_exchange", "exchange")
    obj = PartnerNode.objects.filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied
    return render(
        request,
        "exchange/partner.html",
        CTX
        | {
            "partner": obj,
            "may_manage": can(request.user, "manage_exchange"),
        },
    )


def _partner_action(fn):
    @require_POST
    @_page
    @wraps(fn)
    def wrapper(request, pk):
        _require(request.user, "manage_exchange")
        try:
            fn(request, pk)
        except ValidationError as exc:
            _flash_errors(request, exc)
        return redirect("exchange:partner", pk=pk)

    return wrapper


@_partner_action
def partner_confirm(request, pk):
    xs.partner_confirm(
        actor=request.user, partner_id=pk, fingerprint=request.POST.get("fingerprint", "")
    )


@_partner_action
def partner_suspend(request, pk):
    xs.partner_suspend(actor=request.user, partner_id=pk, reason=request.POST.get("reason", ""))


@_partner_action
def partner_reactivate(request, pk):
    xs.partner_reactivate(actor=request.user, partner_id=pk)


@_partner_action
def partner_keys_set(request, pk):
    try:
        jwks = json.loads(request.POST.get("jwks", ""))
    except ValueError:
        raise ValidationError(_("Paste the partner's key set (JSON with 'keys').")) from None
    xs.partner_set_keys(actor=request.user, partner_id=pk, jwks=jwks)


@require_POST
@_page
def node_rotate(request):
    _require(request.user, "manage_exchange")
    if request.POST.get("confirm") != "rotate":
        messages.error(request, _("Confirm that you want new keys."))
        return redirect("exchange:partners")
    xs.node_rotate_keys(actor=request.user)
    messages.success(request, _("New keys were made. Read the new fingerprint to every partner."))
    return redirect("exchange:partners")


@require_GET
def node_document(request):
    """Public: this node's description and public keys (also at /.well-known/kinlink-node)."""
    doc = xs.node_document()
    if doc is None:
        raise Http404(_("This node is not set up for cross-border exchange."))
    return JsonResponse(doc)


@csrf_exempt
@require_POST
def inbox(request):
    """Machine-to-machine: a sealed message in, a signed receipt or a clear refusal out."""
    length = _int(request.META.get("CONTENT_LENGTH"), 0)
    if length > protocol.MAX_TOKEN_BYTES:
        return _refusal(
            protocol.Rejected("oversized", protocol.REJECTIONS["oversized"], status=413)
        )
    body = request.read(protocol.MAX_TOKEN_BYTES + 1)
    try:
        _status, receipt = xs.inbox_receive(body, channel="https")
    except protocol.Rejected as exc:
        return _refusal(exc)
    except xs.DuplicateMessage as dup:
        return JsonResponse(
            {"error": "replay", "reason": protocol.REJECTIONS["replay"], "receipt": dup.receipt},
            status=409,
        )
    except ValidationError:
        return JsonResponse({"error": "not_configured", "reason": "node not set up"}, status=503)
    return JsonResponse({"status": "received", "receipt": receipt})


def _refusal(exc: protocol.Rejected) -> JsonResponse:
    return JsonResponse({"error": exc.code, "reason": exc.reason}, status=exc.status)
