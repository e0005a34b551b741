"""Views of the v1 API: check the role, validate the shape, call a service or a selector.

Scope: a case (or a part of one) outside the caller's scope answers 404, exactly like one that
does not exist or a malformed id, so the API never reveals that a record exists. A role that
may not use an endpoint at all answers 403. The services raise ``PermissionDenied`` for records
out of scope; the views turn that into 404 after checking the role themselves.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kinlink.accounts.models import User
from kinlink.accounts.roles import CAPABILITIES, Scope, can, case_scope
from kinlink.cases import selectors
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Case

from . import serializers as s
from .authentication import SecondFactorSessionAuthentication
from .schema import KinlinkAutoSchema, errors, uuid_path

# --------------------------------------------------------------------------- permissions


class RolePermission(BasePermission):
    message = "Your role may not use this endpoint."

    def allowed(self, user) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and self.allowed(user))


class CanViewCases(RolePermission):
    def allowed(self, user) -> bool:
        return case_scope(user, "view") != Scope.NONE


def capability(name: str) -> type[RolePermission]:
    return type(f"Can_{name}", (RolePermission,), {"allowed": lambda self, user: can(user, name)})


CanRegister = capability("register_child")
CanWorkCase = capability("work_case")
CanApprove = capability("approve")
CanReassign = capability("reassign")


# --------------------------------------------------------------------------- helpers


def parse_id(value) -> uuid.UUID:
    """A UUID from the path; anything else is a record that does not exist (404)."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise exceptions.NotFound()


@contextmanager
def in_scope():
    """Out of scope is not found: the role was checked before, so only the scope is left."""
    try:
        yield
    except PermissionDenied:
        raise exceptions.NotFound()


def validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


CASE_ID = uuid_path("case_id", "The case.")
CREATED = status.HTTP_201_CREATED


class ApiView(APIView):
    authentication_classes = [TokenAuthentication, SecondFactorSessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    schema = KinlinkAutoSchema()
    # With a case in the path: the scope (view/change) it must be in, checked before the body
    # is read, so a case outside the caller's scope answers 404 whatever the body says.
    case_action: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, then the role (403)
        if self.case_action and "case_id" in kwargs:
            case_id = parse_id(kwargs["case_id"])
            if (
                not Case.objects.restrict(request.user, self.case_action)
                .filter(pk=case_id)
                .exists()
            ):
                raise exceptions.NotFound()


class CaseWriteView(ApiView):
    """Workflow actions on one case: caseworkers and supervisors, on the cases they may change."""

    permission_classes = [IsAuthenticated, CanWorkCase]
    case_action = "change"


def case_op(
    operation_id: str,
    summary: str,
    request=None,
    response=None,
    code=200,
    extra=(),
    error_codes=(400, 404),
):
    """``extend_schema`` for an action on one case: path ids, request, answer and errors."""
    answer = response if response is not None else OpenApiResponse(description=summary)
    responses = {code: answer, **errors(*error_codes)}
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        tags=["cases"],
        parameters=[CASE_ID, *extra],
        request=request,
        responses=responses,
    )


# --------------------------------------------------------------------------- cases


_INDEXED = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
_CHILD_KEYS = set(cs.ChildInput.__dataclass_fields__)
_CASE_KEYS = set(cs.CaseInput.__dataclass_fields__)


def _registration_fields(message_dict: dict) -> dict:
    """The service's flat error keys, placed where the fields are in the request body."""
    out: dict = {}
    for key, messages in message_dict.items():
        if m := _INDEXED.match(key):
            group = {"family": "family_members"}.get(m.group(1), m.group(1))
            out.setdefault(group, {}).setdefault(m.group(2), {})[m.group(3)] = messages
        elif key in _CHILD_KEYS:
            out.setdefault("child", {})[key] = messages
        elif key in _CASE_KEYS:
            out.setdefault("case", {})[key] = messages
        else:
            out[key] = messages
    return out


class CaseListView(ApiView):
    pagination_class = PageNumberPagination

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), CanRegister()]
        return [IsAuthenticated(), CanViewCases()]

    @extend_schema(
        operation_id="cases_list",
        summary="Cases in your scope, due and overdue first",
        tags=["cases"],
        parameters=[s.CaseFilterSerializer],
        responses={200: s.CaseListItemSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request):
        f = validated(s.CaseFilterSerializer, request.query_params)
        filters = selectors.CaseFilters(
            q=f.get("q", ""),
            status=f.get("status", ""),
            risk_level=f.get("risk_level", ""),
            stage=f.get("stage", ""),
            office=str(f["office"]) if f.get("office") else "",
            protection_status=f.get("protection_status", ""),
            overdue_only=f.get("overdue", False),
        )
        qs = selectors.case_list(user=request.user, filters=filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        selectors.audit_list_read(user=request.user, cases=page, query=filters.q)
        return paginator.get_paginated_response(s.CaseListItemSerializer(page, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        summary="Register a child and open a case",
        description="Registration is never blocked by a possible duplicate: the answer counts "
        "the children already registered with a similar name (`possible_duplicates`).",
        tags=["cases"],
        request=s.CaseCreateSerializer,
        responses={CREATED: s.CaseCreatedSerializer, **errors(400)},
    )
    def post(self, request):
        d = validated(s.CaseCreateSerializer, request.data)
        child_data = dict(d["child"])
        other_names = [(o["name"], o["kind"]) for o in child_data.pop("other_names", [])]
        intake = dict(d.get("case") or validated(s.CaseIntakeSerializer, {}))
        owner_id = intake.pop("owner", None)
        owner = None
        if owner_id is not None:
            owner = User.objects.filter(pk=owner_id, is_active=True).first()
            if owner is None:
                raise exceptions.ValidationError({"case": {"owner": ["No such active user."]}})
        child = cs.ChildInput(**child_data, other_names=other_names)
        duplicates = selectors.possible_duplicate_count(
            given_name=child.given_name, family_name=child.family_name
        )
        try:
            case = cs.child_register(
                actor=request.user,
                child=child,
                case=cs.CaseInput(**intake, owner=owner),
                family=[cs.FamilyInput(**fm) for fm in d["family_members"]],
                documents=[cs.DocumentInput(**doc) for doc in d["documents"]],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise exceptions.ValidationError(_registration_fields(exc.message_dict))
            raise
        case.possible_duplicates = duplicates
        return Response(s.CaseCreatedSerializer(case).data, status=CREATED)


def get_case(user, case_id):
    """The case, audited as read; 404 when it is not in the caller's scope."""
    with in_scope():
        return selectors.case_get(user=user, case_id=parse_id(case_id))


class CaseDetailView(ApiView):
    permission_classes = [IsAuthenticated, CanViewCases]

    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case with everything recorded on it (the read is audited)",
        tags=["cases"],
        parameters=[CASE_ID],
        responses={200: s.CaseDetailSerializer, **errors(404)},
    )
    def get(self, request, case_id):
        return Response(s.CaseDetailSerializer(get_case(request.user, case_id)).data)


class ChildView(CaseWriteView):
    @case_op(
        "cases_child_update",
        "Change the child's record (only the fields sent)",
        request=s.ChildUpdateSerializer,
        response=s.ChildSerializer,
    )
    def patch(self, request, case_id):
        changes = dict(validated(s.ChildUpdateSerializer, request.data))
        with in_scope():
            child = cs.child_update(actor=request.user, case_id=parse_id(case_id), changes=changes)
        return Response(s.ChildSerializer(child).data)


class RiskView(CaseWriteView):
    @case_op(
        "cases_risk_set",
        "Change the risk level (deadlines follow)",
        request=s.RiskInputSerializer,
        response=s.CaseSerializer,
    )
    def post(self, request, case_id):
        d = validated(s.RiskInputSerializer, request.data)
        with in_scope():
            case = cs.case_set_risk(actor=request.user, case_id=parse_id(case_id), **d)
        return Response(s.CaseSerializer(case).data)


class ConsentsView(CaseWriteView):
    @case_op(
        "cases_consents_create",
        "Record consent or assent (or processing without consent, for approval)",
        request=s.ConsentInputSerializer,
        response=s.ConsentSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.ConsentInputSerializer, request.data)
        cid = parse_id(case_id)
        with in_scope():
            # Guard until consent_validate checks it: a date before the child's birth gives a
            # negative age, which the database refuses (an error 500 instead of a 400).
            case = selectors.case_get(
                user=request.user, case_id=cid, action="change", audit_read=False
            )
            age = case.child.age_on(min(d["given_on"], timezone.now().date()))
            if age is not None and age < 0:
                raise exceptions.ValidationError(
                    {"given_on": ["This date is before the child was born."]}
                )
            consent = cs.consent_record(actor=request.user, case_id=cid, data=cs.ConsentInput(**d))
        return Response(s.ConsentSerializer(consent).data, status=CREATED)


class ConsentWithdrawView(CaseWriteView):
    @case_op(
        "cases_consents_withdraw",
        "Withdraw a consent",
        request=None,
        response=s.ConsentSerializer,
        extra=[uuid_path("consent_id", "The consent.")],
    )
    def post(self, request, case_id, consent_id):
        with in_scope():
            consent = cs.consent_withdraw(
                actor=request.user, case_id=parse_id(case_id), consent_id=parse_id(consent_id)
            )
        return Response(s.ConsentSerializer(consent).data)


class FamilyMembersView(CaseWriteView):
    @case_op(
        "cases_family_members_create",
        "Add a family member",
        request=s.FamilyMemberInputSerializer,
        response=s.FamilyMemberSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.FamilyMemberInputSerializer, request.data)
        with in_scope():
            member = cs.family_member_add(
                actor=request.user, case_id=parse_id(case_id), data=cs.FamilyInput(**d)
            )
        return Response(s.FamilyMemberSerializer(member).data, status=CREATED)


class DocumentsView(CaseWriteView):
    @case_op(
        "cases_documents_create",
        "Add an identity or civil document",
        request=s.DocumentInputSerializer,
        response=s.DocumentSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.DocumentInputSerializer, request.data)
        with in_scope():
            doc = cs.document_add(
                actor=request.user, case_id=parse_id(case_id), data=cs.DocumentInput(**d)
            )
        return Response(s.DocumentSerializer(doc).data, status=CREATED)


class OtherNamesView(CaseWriteView):
    @case_op(
        "cases_other_names_create",
        "Add another name, nickname or spelling of the child",
        request=s.OtherNameCreateSerializer,
        response=s.OtherNameSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.OtherNameCreateSerializer, request.data)
        with in_scope():
            name = cs.other_name_add(actor=request.user, case_id=parse_id(case_id), **d)
        return Response(s.OtherNameSerializer(name).data, status=CREATED)


class NotesView(CaseWriteView):
    @case_op(
        "cases_notes_create",
        "Add a case note",
        request=s.NoteInputSerializer,
        response=s.NoteSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.NoteInputSerializer, request.data)
        with in_scope():
            note = cs.note_add(actor=request.user, case_id=parse_id(case_id), **d)
        return Response(s.NoteSerializer(note).data, status=CREATED)


class FollowUpsView(CaseWriteView):
    @case_op(
        "cases_followups_create",
        "Record a follow-up visit (the next one is scheduled by risk level)",
        request=s.FollowUpInputSerializer,
        response=s.FollowUpSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.FollowUpInputSerializer, request.data)
        with in_scope():
            followup = cs.followup_record(actor=request.user, case_id=parse_id(case_id), **d)
        return Response(s.FollowUpSerializer(followup).data, status=CREATED)


class PlansView(CaseWriteView):
    @case_op(
        "cases_plans_create",
        "Draft a case plan (after an approved comprehensive assessment)",
        request=s.PlanInputSerializer,
        response=s.CasePlanSerializer,
        code=CREATED,
    )
    def post(self, request, case_id):
        d = validated(s.PlanInputSerializer, request.data)
        goals = [
            cs.GoalInput(
                g["description"],
                g["domain"],
                [(a["description"], a["responsible"], a["due_on"]) for a in g["actions"]],
            )
            for g in d["goals"]
        ]
        with in_scope():
            plan = cs.case_plan_create(actor=request.user, case_id=parse_id(case_id), goals=goals)
        return Response(s.CasePlanSerializer(plan).data, status=CREATED)


class PlanSubmitView(CaseWriteView):
    @case_op(
        "cases_plans_submit",
        "Submit a case plan for approval",
        request=None,
        response=s.CasePlanSerializer,
        extra=[uuid_path("plan_id", "The case plan.")],
    )
    def post(self, request, case_id, plan_id):
        with in_scope():
            plan = cs.case_plan_submit(
                actor=request.user, case_id=parse_id(case_id), plan_id=parse_id(plan_id)
            )
        return Response(s.CasePlanSerializer(plan).data)


class PlanActionStatusView(CaseWriteView):
    @case_op(
        "cases_actions_status",
        "Set the status of a case plan action (some are refused while their cause lasts, "
        "e.g. release from detention while the child is detained)",
        request=s.ActionStatusInputSerializer,
        response=s.PlanActionSerializer,
        extra=[uuid_path("action_id", "The case plan action.")],
    )
    def post(self, request, case_id, action_id):
        d = validated(s.ActionStatusInputSerializer, request.data)
        with in_scope():
            action = cs.plan_action_set_status(
                actor=request.user,
                case_id=parse_id(case_id),
                action_id=parse_id(action_id),
                status=d["status"],
            )
        return Response(s.PlanActionSerializer(action).data)


class AssessmentView(CaseWriteView):
    @case_op(
        "cases_assessments_update",
        "Save findings, the child's views and the proposed risk level of an assessment",
        request=s.AssessmentInputSerializer,
        response=s.AssessmentSerializer,
        extra=[uuid_path("assessment_id", "The assessment.")],
    )
    def patch(self, request, case_id, assessment_id):
        d = validated(s.AssessmentInputSerializer, request.data)
        cid, aid = parse_id(case_id), parse_id(assessment_id)
        with in_scope():
            current = selectors.assessment_get(
                user=request.user, case_id=cid, assessment_id=aid, action="change"
            )
            # Findings merge by domain; an empty text clears a domain.
            findings = {**(current.findings or {}), **d.get("findings", {})}
            assessment = cs.assessment_save(
                actor=request.user,
                case_id=cid,
                assessment_id=aid,
                findings={k: v for k, v in findings.items() if str(v).strip()},
                child_views=d.get("child_views", current.child_views),
                proposed_risk_level=d.get("proposed_risk_level", current.proposed_risk_level),
            )
        return Response(s.AssessmentSerializer(assessment).data)


class AssessmentSubmitView(CaseWriteView):
    @case_op(
        "cases_assessments_submit",
        "Submit an assessment for approval",
        request=None,
        response=s.AssessmentSerializer,
        extra=[uuid_path("assessment_id", "The assessment.")],
    )
    def post(self, request, case_id, assessment_id):
        with in_scope():
            assessment = cs.assessment_submit(
                actor=request.user,
                case_id=parse_id(case_id),
                assessment_id=parse_id(assessment_id),
            )
        return Response(s.AssessmentSerializer(assessment).data)


class ClosureView(CaseWriteView):
    @case_op(
        "cases_closure_request",
        "Request closure (closed at once when the SOP needs no approval)",
        request=s.ClosureInputSerializer,
        response=s.CaseSerializer,
    )
    def post(self, request, case_id):
        d = validated(s.ClosureInputSerializer, request.data)
        with in_scope():
            case = cs.case_request_closure(actor=request.user, case_id=parse_id(case_id), **d)
        return Response(s.CaseSerializer(case).data)


class ReopenView(ApiView):
    permission_classes = [IsAuthenticated, CanApprove]
    case_action = "change"

    @case_op(
        "cases_reopen",
        "Reopen a closed case (supervisors)",
        request=s.ReopenInputSerializer,
        response=s.CaseSerializer,
    )
    def post(self, request, case_id):
        d = validated(s.ReopenInputSerializer, request.data)
        with in_scope():
            case = cs.case_reopen(actor=request.user, case_id=parse_id(case_id), **d)
        return Response(s.CaseSerializer(case).data)


class ReassignView(ApiView):
    permission_classes = [IsAuthenticated, CanReassign]
    case_action = "view"

    @case_op(
        "cases_reassign",
        "Give the case to another caseworker (supervisors, agency administrators)",
        request=s.ReassignInputSerializer,
        response=s.CaseSerializer,
    )
    def post(self, request, case_id):
        d = validated(s.ReassignInputSerializer, request.data)
        with in_scope():
            case = cs.case_reassign(
                actor=request.user,
                case_id=parse_id(case_id),
                new_owner_id=d["owner"],
                reason=d["reason"],
            )
        return Response(s.CaseSerializer(case).data)


class AttachmentsView(CaseWriteView):
    parser_classes = [MultiPartParser, FormParser]

    @case_op(
        "cases_attachments_create",
        "Upload a photo or document (JPEG, PNG or PDF; stored encrypted)",
        request={"multipart/form-data": s.AttachmentInputSerializer},
        response=s.AttachmentSerializer,
        code=CREATED,
        error_codes=(400, 404, 415),
    )
    def post(self, request, case_id):
        d = validated(s.AttachmentInputSerializer, request.data)
        data = d["file"].read(settings.KINLINK_UPLOAD_MAX_BYTES + 1)
        with in_scope():
            attachment = cs.attachment_add(
                actor=request.user,
                case_id=parse_id(case_id),
                kind=d["kind"],
                title=d["title"],
                data=data,
            )
        return Response(s.AttachmentSerializer(attachment).data, status=CREATED)


_BINARY = {"type": "string", "format": "binary"}
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


class AttachmentDownloadView(ApiView):
    permission_classes = [IsAuthenticated, CanViewCases]

    @extend_schema(
        operation_id="cases_attachments_download",
        summary="Download an attachment (the read is audited)",
        tags=["cases"],
        parameters=[CASE_ID, uuid_path("attachment_id", "The attachment.")],
        responses={
            (200, "image/jpeg"): _BINARY,
            (200, "image/png"): _BINARY,
            (200, "application/pdf"): _BINARY,
            **{(code, "application/json"): r for code, r in errors(404).items()},
        },
    )
    def get(self, request, case_id, attachment_id):
        with in_scope():
            attachment = selectors.attachment_get(
                user=request.user, case_id=parse_id(case_id), attachment_id=parse_id(attachment_id)
            )
        data = cs.attachment_read(actor=request.user, attachment=attachment)
        response = HttpResponse(data, content_type=attachment.content_type)
        ext = _EXTENSIONS.get(attachment.content_type, "")
        response["Content-Disposition"] = f'attachment; filename="{attachment.pk}{ext}"'
        response["Cache-Control"] = "no-store"
        return response


# --------------------------------------------------------------------------- approvals, me


class ApprovalListView(ApiView):
    permission_classes = [IsAuthenticated, CanApprove]
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="approvals_list",
        summary="Approvals waiting for your decision, oldest first",
        tags=["approvals"],
        responses={200: s.PendingApprovalSerializer(many=True), **errors(404)},
    )
    def get(self, request):
        qs = selectors.approvals_pending(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        cases = list({ap.case_id: ap.case for ap in page}.values())
        selectors.audit_list_read(user=request.user, cases=cases)
        return paginator.get_paginated_response(s.PendingApprovalSerializer(page, many=True).data)


class ApprovalDecideView(ApiView):
    permission_classes = [IsAuthenticated, CanApprove]

    @extend_schema(
        operation_id="approvals_decide",
        summary="Approve, or return with a comment (not what you submitted yourself)",
        tags=["approvals"],
        parameters=[uuid_path("approval_id", "The approval.")],
        request=s.DecisionInputSerializer,
        responses={200: s.ApprovalSerializer, **errors(400, 404)},
    )
    def post(self, request, approval_id):
        if (
            not Approval.objects.restrict(request.user, "change")
            .filter(pk=parse_id(approval_id))
            .exists()
        ):
            raise exceptions.NotFound()
        d = validated(s.DecisionInputSerializer, request.data)
        with in_scope():
            approval = cs.approval_decide(
                actor=request.user, approval_id=parse_id(approval_id), **d
            )
        return Response(s.ApprovalSerializer(approval).data)


class MeView(ApiView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="Who you are: role, agency, office, capabilities",
        tags=["me"],
        responses={200: s.MeSerializer, **errors()},
    )
    def get(self, request):
        user = request.user
        user.capabilities = sorted(CAPABILITIES.get(user.role, set()))
        user.case_view_scope = case_scope(user, "view")
        user.case_change_scope = case_scope(user, "change")
        return Response(s.MeSerializer(user).data)


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: the error envelope, not an HTML page."""
    body = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    return JsonResponse(body, status=404)
