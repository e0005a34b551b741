"""/api/v1/: URL names live in the ``v1`` namespace (``reverse("v1:case-detail", ...)``)."""

from django.urls import path, re_path

from . import views

app_name = "v1"

CASE = "cases/<str:case_id>/"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path(CASE, views.CaseDetailView.as_view(), name="case-detail"),
    path(CASE + "child/", views.ChildView.as_view(), name="case-child"),
    path(CASE + "risk/", views.RiskView.as_view(), name="case-risk"),
    path(CASE + "consents/", views.ConsentsView.as_view(), name="case-consents"),
    path(
        CASE + "consents/<str:consent_id>/withdraw/",
        views.ConsentWithdrawView.as_view(),
        name="case-consent-withdraw",
    ),
    path(CASE + "family-members/", views.FamilyMembersView.as_view(), name="case-family-members"),
    path(CASE + "documents/", views.DocumentsView.as_view(), name="case-documents"),
    path(CASE + "other-names/", views.OtherNamesView.as_view(), name="case-other-names"),
    path(CASE + "notes/", views.NotesView.as_view(), name="case-notes"),
    path(CASE + "followups/", views.FollowUpsView.as_view(), name="case-followups"),
    path(CASE + "plans/", views.PlansView.as_view(), name="case-plans"),
    path(
        CASE + "plans/<str:plan_id>/submit/",
        views.PlanSubmitView.as_view(),
        name="case-plan-submit",
    ),
    path(
        CASE + "actions/<str:action_id>/status/",
        views.PlanActionStatusView.as_view(),
        name="case-action-status",
    ),
    path(
        CASE + "assessments/<str:assessment_id>/",
        views.AssessmentView.as_view(),
        name="case-assessment",
    ),
    path(
        CASE + "assessments/<str:assessment_id>/submit/",
        views.AssessmentSubmitView.as_view(),
        name="case-assessment-submit",
    ),
    path(CASE + "closure/", views.ClosureView.as_view(), name="case-closure"),
    path(CASE + "reopen/", views.ReopenView.as_view(), name="case-reopen"),
    path(CASE + "reassign/", views.ReassignView.as_view(), name="case-reassign"),
    path(CASE + "attachments/", views.AttachmentsView.as_view(), name="case-attachments"),
    path(
        CASE + "attachments/<str:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="case-attachment",
    ),
    path("approvals/", views.ApprovalListView.as_view(), name="approval-list"),
    path(
        "approvals/<str:approval_id>/decide/",
        views.ApprovalDecideView.as_view(),
        name="approval-decide",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    re_path(r"^.*$", views.not_found),
]
