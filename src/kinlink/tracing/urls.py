from django.urls import path

from . import views

app_name = "tracing"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("new/", views.request_create, name="request_create"),
    path("<uuid:pk>/", views.request_detail, name="request"),
    path("<uuid:pk>/close/", views.request_close, name="request_close"),
    path(
        "<uuid:pk>/traces/<uuid:trace_id>/actions/",
        views.trace_action_add,
        name="trace_action",
    ),
    path("matches/", views.matches_review, name="matches"),
    path("matches/<uuid:match_id>/", views.match_detail, name="match"),
    path("matches/<uuid:match_id>/review/", views.match_review, name="match_review"),
    path(
        "matches/<uuid:match_id>/disclosure/",
        views.match_disclosure_request,
        name="match_disclosure_request",
    ),
    path(
        "matches/<uuid:match_id>/disclosure/decide/",
        views.match_disclosure_decide,
        name="match_disclosure_decide",
    ),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<uuid:duplicate_id>/", views.duplicate_decide, name="duplicate_decide"),
    path("cases/<uuid:pk>/flags/", views.case_flags, name="case_flags"),
    path("cases/<uuid:pk>/actions/", views.case_action_add, name="case_action"),
    path("cases/<uuid:pk>/verifications/", views.verification_add, name="verification_add"),
    path(
        "cases/<uuid:pk>/verifications/<uuid:verification_id>/submit/",
        views.verification_submit,
        name="verification_submit",
    ),
    path("cases/<uuid:pk>/reunification/", views.reunification_add, name="reunification"),
]
