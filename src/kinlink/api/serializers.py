"""Serializers of the v1 API: explicit fields, enums as choices.

Input serializers check the shape of a request (types, lengths, choices, unknown fields); the
services in ``kinlink.cases.services`` check the rules. Output serializers read model objects
that a selector or a service returned (already scoped to the caller).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kinlink.accounts.roles import Role, Scope
from kinlink.cases import choices as c
from kinlink.cases.models import Approval, Assessment

COUNTRY_OR_LANGUAGE = r"^[A-Za-z]{2}$"
DOMAINS = [key for key, _label in Assessment.DOMAINS]


# --------------------------------------------------------------------------- errors


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. `invalid`.")
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Errors by field name (lists of messages, nested for nested input).",
    )


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


# --------------------------------------------------------------------------- input


_JSON_TYPES = [
    # (field classes, the JSON type a value must have, its name); first match wins
    (serializers.BooleanField, (bool,), "boolean"),
    (serializers.IntegerField, (int,), "integer"),
    (
        (
            serializers.CharField,
            serializers.UUIDField,
            serializers.DateField,
            serializers.DateTimeField,
            serializers.ChoiceField,
        ),
        (str,),
        "string",
    ),
    (serializers.ListField, (list,), "array"),
    (serializers.Serializer, (dict,), "object"),
]


def _json_type_error(field, value) -> str | None:
    """DRF coerces (``123`` into ``"123"``, ``"yes"`` into ``True``); JSON input must not."""
    if value is None:
        return None  # the field itself decides whether null is allowed
    for classes, types, name in _JSON_TYPES:
        if isinstance(field, classes):
            if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
                return f"Expected a JSON {name}."
            if isinstance(field, serializers.ListField) and not isinstance(
                field.child, serializers.Serializer
            ):
                for item in value:
                    if error := _json_type_error(field.child, item):
                        return error
            return None
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently ignored) and, for JSON
    input, values of the wrong JSON type."""

    json_types = True

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {k: [_("Unknown field.")] for k in unknown}, code="unknown_field"
                )
            if self.json_types and not hasattr(data, "getlist"):  # not a form or query
                wrong = {}
                for name, field in self.fields.items():
                    if name in data and (error := _json_type_error(field, data[name])):
                        wrong[name] = [error]
                if wrong:
                    raise serializers.ValidationError(wrong, code="invalid")
            # maxLength holds for the text as sent, as the OpenAPI document says: DRF would
            # check it only after trimming surrounding whitespace
            long_ = {
                name: [field.error_messages["max_length"].format(max_length=field.max_length)]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and field.max_length is not None
                and isinstance(data.get(name), str)
                and len(data[name]) > field.max_length
            }
            if long_:
                raise serializers.ValidationError(long_, code="max_length")
        return super().to_internal_value(data)


def _code_list(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.RegexField(COUNTRY_OR_LANGUAGE, max_length=2, min_length=2),
        required=False,
        default=list,
        max_length=20,
        help_text=help_text,
    )


def _text(max_length: int | None = None, **kw) -> serializers.CharField:
    kw.setdefault("required", False)
    kw.setdefault("allow_blank", True)
    if not kw["required"]:
        kw.setdefault("default", "")
    return serializers.CharField(max_length=max_length or 10_000, **kw)


class OtherNameInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=c.NameKind.choices)


class ChildInputSerializer(StrictSerializer):
    given_name = serializers.CharField(
        max_length=150, help_text="Write 'unknown' when the name is not known."
    )
    family_name = _text(150)
    middle_name = _text(150)
    sex = serializers.ChoiceField(choices=c.Sex.choices)
    protection_status = serializers.ChoiceField(choices=c.ProtectionStatus.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    age_years = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=150
    )
    age_estimated = serializers.BooleanField(required=False, default=False)
    nationalities = _code_list("ISO 3166-1 alpha-2 codes.")
    languages = _code_list("ISO 639-1 codes.")
    migratory_status = serializers.ChoiceField(
        choices=c.MigratoryStatus.choices, required=False, default=c.MigratoryStatus.UNKNOWN
    )
    disability = serializers.ChoiceField(
        choices=c.Disability.choices, required=False, default=c.Disability.UNKNOWN
    )
    birth_registration = serializers.ChoiceField(
        choices=c.BirthRegistration.choices, required=False, default=c.BirthRegistration.UNKNOWN
    )
    statelessness_risk = serializers.BooleanField(required=False, default=False)
    place_of_origin = _text(200)
    current_country = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2,
        help_text="ISO 3166-1 alpha-2 code of the country where the child is now, only if "
        "abroad (rule 42).",
    )
    health_notes = _text()
    distinguishing_marks = _text()
    other_names = serializers.ListField(
        child=OtherNameInputSerializer(), required=False, default=list, max_length=50
    )

    def validate_nationalities(self, value):
        return [v.upper() for v in value]

    def validate_languages(self, value):
        return [v.lower() for v in value]

    def validate_current_country(self, value):
        return value.strip().upper()


class ChildUpdateSerializer(ChildInputSerializer):
    """The same fields, all optional: only those sent are changed."""

    other_names = None  # added with POST .../other-names/

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class CaseIntakeSerializer(StrictSerializer):
    risk_level = serializers.ChoiceField(
        choices=c.RiskLevel.choices, required=False, default=c.RiskLevel.NOT_ASSESSED
    )
    identified_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    identification_source = serializers.ChoiceField(
        choices=c.IdentificationSource.choices,
        required=False,
        default=c.IdentificationSource.OTHER,
    )
    registration_place = _text(200)
    separation_date = serializers.DateField(required=False, allow_null=True, default=None)
    separation_place = _text(200)
    protection_concerns = _text()
    urgent_needs = _text()
    summary = _text()
    owner = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The caseworker who will own the case (default: the caller).",
    )


class FamilyMemberInputSerializer(StrictSerializer):
    relationship = serializers.ChoiceField(choices=c.Relationship.choices)
    given_name = _text(150)
    family_name = _text(150)
    age_years = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=150
    )
    alive = serializers.ChoiceField(
        choices=c.AliveStatus.choices, required=False, default=c.AliveStatus.UNKNOWN
    )
    is_caregiver = serializers.BooleanField(required=False, default=False)
    lives_with_child = serializers.BooleanField(required=False, default=False)
    country = serializers.RegexField(
        COUNTRY_OR_LANGUAGE, required=False, allow_blank=True, default="", max_length=2
    )
    phone = _text(100)
    address = _text(1000)
    do_not_contact = serializers.BooleanField(required=False, default=False)

    def validate_country(self, value):
        return value.upper()


class DocumentInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=c.DocumentKind.choices)
    number = _text(100)
    issuing_country = serializers.RegexField(
        COUNTRY_OR_LANGUAGE, required=False, allow_blank=True, default="", max_length=2
    )
    held = serializers.BooleanField(required=False, default=True)


class CaseCreateSerializer(StrictSerializer):
    child = ChildInputSerializer()
    case = CaseIntakeSerializer(required=False)
    family_members = serializers.ListField(
        child=FamilyMemberInputSerializer(), required=False, default=list, max_length=50
    )
    documents = serializers.ListField(
        child=DocumentInputSerializer(), required=False, default=list, max_length=50
    )


class RiskInputSerializer(StrictSerializer):
    risk_level = serializers.ChoiceField(choices=c.RiskLevel.choices)
    reason = serializers.CharField(max_length=2000)


class ConsentInputSerializer(StrictSerializer):
    given_by = serializers.ChoiceField(choices=c.ConsentGiver.choices)
    kind = serializers.ChoiceField(choices=c.ConsentKind.choices)
    given_on = serializers.DateField()
    given_by_name = _text(200)
    for_services = serializers.BooleanField(required=False, default=False)
    for_tracing = serializers.BooleanField(required=False, default=False)
    for_photo = serializers.BooleanField(required=False, default=False)
    for_reporting = serializers.BooleanField(required=False, default=False)
    share_with = serializers.ListField(
        child=serializers.ChoiceField(choices=c.ShareWith.choices),
        required=False,
        default=list,
        max_length=len(c.ShareWith.choices),
    )
    withhold_from = _text(200)
    withhold_reason = _text()
    override_basis = serializers.ChoiceField(
        choices=c.OverrideBasis.choices, required=False, allow_blank=True, default=""
    )
    override_reason = _text()


class OtherNameCreateSerializer(OtherNameInputSerializer):
    pass


class NoteInputSerializer(StrictSerializer):
    body = serializers.CharField(max_length=20_000)


class ActionStatusInputSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=c.ActionStatus.choices)


class FollowUpInputSerializer(StrictSerializer):
    done_on = serializers.DateField()
    child_seen = serializers.BooleanField()
    notes = _text()
    reason_not_seen = _text(300)
    kind = serializers.ChoiceField(
        choices=c.FollowUpKind.choices, required=False, default=c.FollowUpKind.VISIT
    )
    recommend_closure = serializers.BooleanField(required=False, default=False)
    followup_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The scheduled follow-up this visit fulfils (default: the earliest open one).",
    )


class PlanActionInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=2000)
    responsible = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlanGoalInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=2000)
    domain = serializers.ChoiceField(
        choices=Assessment.DOMAINS, required=False, allow_blank=True, default=""
    )
    actions = serializers.ListField(
        child=PlanActionInputSerializer(), required=False, default=list, max_length=50
    )


class PlanInputSerializer(StrictSerializer):
    goals = serializers.ListField(
        child=PlanGoalInputSerializer(), allow_empty=False, min_length=1, max_length=30
    )


class FindingsSerializer(StrictSerializer):
    """Findings by domain; a domain left out has no finding."""

    safety = _text(default=None)
    health = _text(default=None)
    education = _text(default=None)
    family = _text(default=None)
    psychosocial = _text(default=None)
    legal = _text(default=None)
    economic = _text(default=None)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return {k: v for k, v in value.items() if v is not None}


class AssessmentInputSerializer(StrictSerializer):
    findings = FindingsSerializer(required=False)
    child_views = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    proposed_risk_level = serializers.ChoiceField(choices=c.RiskLevel.choices, required=False)


class ClosureInputSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=c.ClosureReason.choices)
    note = _text()


class ReopenInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class ReassignInputSerializer(StrictSerializer):
    owner = serializers.UUIDField(help_text="The new owner: a caseworker or supervisor.")
    reason = serializers.CharField(max_length=2000)


class AttachmentInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=c.AttachmentKind.choices)
    title = serializers.CharField(max_length=200)
    file = serializers.FileField(
        help_text=f"JPEG, PNG or PDF, at most {settings.KINLINK_UPLOAD_MAX_BYTES // 2**20} MB.",
        allow_empty_file=True,
    )

    def validate_file(self, value):
        limit = settings.KINLINK_UPLOAD_MAX_BYTES
        if value.size is not None and value.size > limit:
            raise serializers.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
            )
        return value


class DecisionInputSerializer(StrictSerializer):
    approve = serializers.BooleanField()
    comment = _text(help_text="Required when returning (approve = false).")


class CaseFilterSerializer(StrictSerializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name (any script) or number."
    )
    status = serializers.ChoiceField(choices=c.CaseStatus.choices, required=False)
    risk_level = serializers.ChoiceField(choices=c.RiskLevel.choices, required=False)
    stage = serializers.ChoiceField(choices=c.Stage.choices, required=False)
    office = serializers.UUIDField(required=False)
    protection_status = serializers.ChoiceField(choices=c.ProtectionStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only cases with an overdue deadline."
    )

    json_types = False  # query strings carry text only
    # Handled elsewhere: the page number (pagination) and DRF's format override.
    PASSED_THROUGH = ("page", "format")

    def to_internal_value(self, data):
        if hasattr(data, "dict"):  # a QueryDict: one value per key
            data = data.dict()
        data = {k: v for k, v in data.items() if k not in self.PASSED_THROUGH}
        return super().to_internal_value(data)


# --------------------------------------------------------------------------- output


class UserRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class OfficeRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    code = serializers.CharField()


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    code = serializers.CharField()
    country = serializers.CharField()


class OtherNameSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=c.NameKind.choices)


class ChildSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_name = serializers.CharField()
    family_name = serializers.CharField(allow_blank=True)
    middle_name = serializers.CharField(allow_blank=True)
    full_name = serializers.CharField()
    other_names = OtherNameSerializer(many=True, source="other_names.all")
    sex = serializers.ChoiceField(choices=c.Sex.choices)
    date_of_birth = serializers.DateField(allow_null=True)
    date_of_birth_estimated = serializers.BooleanField()
    age_years = serializers.IntegerField(allow_null=True, help_text="The age as recorded.")
    age_recorded_on = serializers.DateField(allow_null=True)
    age_estimated = serializers.BooleanField()
    age = serializers.SerializerMethodField(help_text="The age today, in whole years.")
    nationalities = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    protection_status = serializers.ChoiceField(choices=c.ProtectionStatus.choices)
    migratory_status = serializers.ChoiceField(choices=c.MigratoryStatus.choices)
    disability = serializers.ChoiceField(choices=c.Disability.choices)
    birth_registration = serializers.ChoiceField(choices=c.BirthRegistration.choices)
    statelessness_risk = serializers.BooleanField()
    place_of_origin = serializers.CharField(allow_blank=True)
    current_country = serializers.CharField(allow_blank=True)
    health_notes = serializers.CharField(allow_blank=True)
    distinguishing_marks = serializers.CharField(allow_blank=True)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_age(self, obj) -> int | None:
        return obj.age_on(timezone.now().date())


class ChildSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=c.Sex.choices)
    age = serializers.SerializerMethodField()
    age_estimated = serializers.BooleanField()
    protection_status = serializers.ChoiceField(choices=c.ProtectionStatus.choices)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_age(self, obj) -> int | None:
        return obj.age_on(timezone.now().date())


class FamilyMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    relationship = serializers.ChoiceField(choices=c.Relationship.choices)
    given_name = serializers.CharField(allow_blank=True)
    family_name = serializers.CharField(allow_blank=True)
    age_years = serializers.IntegerField(allow_null=True)
    alive = serializers.ChoiceField(choices=c.AliveStatus.choices)
    is_caregiver = serializers.BooleanField()
    lives_with_child = serializers.BooleanField()
    country = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    do_not_contact = serializers.BooleanField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=c.DocumentKind.choices)
    number = serializers.CharField(allow_blank=True)
    issuing_country = serializers.CharField(allow_blank=True)
    held = serializers.BooleanField()


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_by = serializers.ChoiceField(choices=c.ConsentGiver.choices)
    given_by_name = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=c.ConsentKind.choices)
    child_age = serializers.IntegerField(allow_null=True)
    given_on = serializers.DateField()
    for_services = serializers.BooleanField()
    for_tracing = serializers.BooleanField()
    for_photo = serializers.BooleanField()
    for_reporting = serializers.BooleanField()
    share_with = serializers.ListField(child=serializers.ChoiceField(choices=c.ShareWith.choices))
    withhold_from = serializers.CharField(allow_blank=True)
    withhold_reason = serializers.CharField(allow_blank=True)
    override_basis = serializers.ChoiceField(choices=c.OverrideBasis.choices, allow_blank=True)
    override_reason = serializers.CharField(allow_blank=True)
    override_state = serializers.ChoiceField(choices=c.ApprovalState.choices, allow_blank=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    recorded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()


class FindingsOutSerializer(serializers.Serializer):
    safety = serializers.CharField(required=False)
    health = serializers.CharField(required=False)
    education = serializers.CharField(required=False)
    family = serializers.CharField(required=False)
    psychosocial = serializers.CharField(required=False)
    legal = serializers.CharField(required=False)
    economic = serializers.CharField(required=False)


class AssessmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=c.AssessmentKind.choices)
    state = serializers.ChoiceField(choices=c.ApprovalState.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    proposed_risk_level = serializers.ChoiceField(choices=c.RiskLevel.choices)
    findings = serializers.SerializerMethodField()
    child_views = serializers.CharField(allow_blank=True)
    author = UserRefSerializer()

    @extend_schema_field(FindingsOutSerializer)
    def get_findings(self, obj) -> dict:
        return {k: str(v) for k, v in (obj.findings or {}).items() if k in DOMAINS}


class PlanActionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    description = serializers.CharField()
    responsible = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=c.ActionStatus.choices)


class PlanGoalSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    domain = serializers.CharField(allow_blank=True)
    description = serializers.CharField()
    actions = PlanActionSerializer(many=True, source="actions.all")


class CasePlanSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    state = serializers.ChoiceField(choices=c.ApprovalState.choices)
    approved_at = serializers.DateTimeField(allow_null=True)
    review_due_at = serializers.DateTimeField(allow_null=True)
    author = UserRefSerializer()
    goals = PlanGoalSerializer(many=True, source="goals.all")
    created_at = serializers.DateTimeField()


class FollowUpSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=c.FollowUpKind.choices)
    due_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    child_seen = serializers.BooleanField(allow_null=True)
    reason_not_seen = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    recommend_closure = serializers.BooleanField()
    author = UserRefSerializer(allow_null=True)


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    body = serializers.CharField()
    author = UserRefSerializer()
    created_at = serializers.DateTimeField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=c.AttachmentKind.choices)
    title = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()


class ApprovalSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    subject = serializers.ChoiceField(choices=Approval.Subject.choices)
    subject_id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=c.ApprovalState.choices)
    requested_by = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class PendingApprovalSerializer(ApprovalSerializer):
    case_number = serializers.CharField(source="case.number")
    child_name = serializers.CharField(source="case.child.full_name")


class DueItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()


class CaseSerializer(serializers.Serializer):
    """A case without its parts (answers of workflow actions)."""

    id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=c.CaseStatus.choices)
    stage = serializers.ChoiceField(choices=c.Stage.choices)
    risk_level = serializers.ChoiceField(choices=c.RiskLevel.choices)
    agency = AgencyRefSerializer()
    office = OfficeRefSerializer()
    owner = UserRefSerializer()
    identified_at = serializers.DateTimeField()
    registered_at = serializers.DateTimeField()
    assigned_at = serializers.DateTimeField(allow_null=True)
    identification_source = serializers.ChoiceField(choices=c.IdentificationSource.choices)
    registration_place = serializers.CharField(allow_blank=True)
    separation_date = serializers.DateField(allow_null=True)
    separation_place = serializers.CharField(allow_blank=True)
    protection_concerns = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    urgent_needs = serializers.CharField(allow_blank=True)
    closure_reason = serializers.ChoiceField(choices=c.ClosureReason.choices, allow_blank=True)
    closure_note = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    reopened_reason = serializers.CharField(allow_blank=True)
    next_due_at = serializers.DateTimeField(allow_null=True)
    next_due_label = serializers.CharField(allow_blank=True)


class CaseDetailSerializer(CaseSerializer):
    """A case with everything recorded on it (reading it is audited)."""

    child = ChildSerializer()
    family_members = FamilyMemberSerializer(many=True, source="child.family.all")
    documents = DocumentSerializer(many=True, source="child.documents.all")
    consents = ConsentSerializer(many=True, source="consents.all")
    assessments = AssessmentSerializer(many=True, source="assessments.all")
    plans = CasePlanSerializer(many=True, source="plans.all")
    followups = FollowUpSerializer(many=True, source="followups.all")
    notes = NoteSerializer(many=True, source="notes.all")
    attachments = AttachmentSerializer(many=True, source="attachments.all")
    approvals = ApprovalSerializer(many=True, source="approvals.all")
    due_items = serializers.SerializerMethodField()

    @extend_schema_field(DueItemSerializer(many=True))
    def get_due_items(self, obj):
        from kinlink.cases import rules

        return DueItemSerializer(rules.due_items(obj), many=True).data


class CaseCreatedSerializer(CaseDetailSerializer):
    possible_duplicates = serializers.IntegerField(
        help_text="How many children already registered on this node have a name like this "
        "one (a warning: check before going on; registration is not blocked)."
    )


class CaseListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=c.CaseStatus.choices)
    stage = serializers.ChoiceField(choices=c.Stage.choices)
    risk_level = serializers.ChoiceField(choices=c.RiskLevel.choices)
    child = ChildSummarySerializer()
    office = OfficeRefSerializer()
    owner = UserRefSerializer()
    registered_at = serializers.DateTimeField()
    next_due_at = serializers.DateTimeField(allow_null=True)
    next_due_label = serializers.CharField(allow_blank=True)


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.ChoiceField(choices=Role.choices)
    agency = AgencyRefSerializer(allow_null=True)
    office = OfficeRefSerializer(allow_null=True)
    capabilities = serializers.ListField(child=serializers.CharField())
    case_view_scope = serializers.ChoiceField(choices=Scope.choices)
    case_change_scope = serializers.ChoiceField(choices=Scope.choices)
