from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

# Enum component names (several fields are called "kind" or "state" with different choices).
ENUM_NAMES = {
    "SexEnum": "kinlink.cases.choices.Sex",
    "ProtectionStatusEnum": "kinlink.cases.choices.ProtectionStatus",
    "MigratoryStatusEnum": "kinlink.cases.choices.MigratoryStatus",
    "DisabilityEnum": "kinlink.cases.choices.Disability",
    "BirthRegistrationEnum": "kinlink.cases.choices.BirthRegistration",
    "DocumentKindEnum": "kinlink.cases.choices.DocumentKind",
    "NameKindEnum": "kinlink.cases.choices.NameKind",
    "RelationshipEnum": "kinlink.cases.choices.Relationship",
    "AliveStatusEnum": "kinlink.cases.choices.AliveStatus",
    "CaseStatusEnum": "kinlink.cases.choices.CaseStatus",
    "StageEnum": "kinlink.cases.choices.Stage",
    "RiskLevelEnum": "kinlink.cases.choices.RiskLevel",
    "IdentificationSourceEnum": "kinlink.cases.choices.IdentificationSource",
    "ConsentGiverEnum": "kinlink.cases.choices.ConsentGiver",
    "ConsentKindEnum": "kinlink.cases.choices.ConsentKind",
    "OverrideBasisEnum": "kinlink.cases.choices.OverrideBasis",
    "ShareWithEnum": "kinlink.cases.choices.ShareWith",
    "AssessmentKindEnum": "kinlink.cases.choices.AssessmentKind",
    "ApprovalStateEnum": "kinlink.cases.choices.ApprovalState",
    "ActionStatusEnum": "kinlink.cases.choices.ActionStatus",
    "FollowUpKindEnum": "kinlink.cases.choices.FollowUpKind",
    "ClosureReasonEnum": "kinlink.cases.choices.ClosureReason",
    "AttachmentKindEnum": "kinlink.cases.choices.AttachmentKind",
    "ApprovalSubjectEnum": "kinlink.cases.models.Approval.Subject",
    "RoleEnum": "kinlink.accounts.roles.Role",
    "ScopeEnum": "kinlink.accounts.roles.Scope",
    "AssessmentDomainEnum": "kinlink.cases.models.Assessment.DOMAINS",
}

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(custom_settings={"ENUM_NAME_OVERRIDES": ENUM_NAMES}),
        name="schema",
    ),
    path("v1/stats/", include("kinlink.api.stats", namespace="statsapi")),
    path("v1/", include("kinlink.api.urls_v1", namespace="v1")),
]
