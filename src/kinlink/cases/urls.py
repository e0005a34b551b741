from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("register/", views.case_register, name="register"),
    path("approvals/", views.approvals_inbox, name="approvals"),
    path("approvals/<uuid:approval_id>/", views.approval_decide, name="approval_decide"),
    path("<uuid:pk>/", views.case_detail, name="detail"),
    path("<uuid:pk>/print/", views.case_print, name="print"),
    path("<uuid:pk>/risk/", views.case_set_risk, name="risk"),
    path("<uuid:pk>/consent/", views.consent_add, name="consent"),
    path(
        "<uuid:pk>/assessments/<uuid:assessment_id>/",
        views.assessment_save,
        name="assessment",
    ),
    path("<uuid:pk>/plans/", views.plan_create, name="plan_create"),
    path("<uuid:pk>/plans/<uuid:plan_id>/submit/", views.plan_submit, name="plan_submit"),
    path(
        "<uuid:pk>/actions/<uuid:action_id>/status/",
        views.plan_action_status,
        name="action_status",
    ),
    path("<uuid:pk>/followups/", views.followup_add, name="followup"),
    path("<uuid:pk>/notes/", views.note_add, name="note"),
    path("<uuid:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<uuid:pk>/closure/", views.closure_request, name="closure"),
    path("<uuid:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:pk>/reassign/", views.case_reassign, name="reassign"),
    path("<uuid:pk>/family/", views.family_add, name="family"),
    path("<uuid:pk>/documents/", views.document_add, name="document"),
    path("<uuid:pk>/names/", views.other_name_add, name="other_name"),
    path("<uuid:pk>/child/", views.child_edit, name="child_edit"),
]
