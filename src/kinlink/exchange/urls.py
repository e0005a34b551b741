from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/<uuid:pk>/", views.request_detail, name="request"),
    path("cases/<uuid:case_id>/new/", views.request_create, name="request_create"),
    path("requests/<uuid:pk>/harm-check/", views.request_harm, name="request_harm_set"),
    path("requests/<uuid:pk>/submit/", views.request_submit, name="request_submit"),
    path(
        "requests/<uuid:pk>/approval/",
        views.request_approval_decide,
        name="request_approval_decide",
    ),
    path("requests/<uuid:pk>/details/", views.trace_details_create, name="trace_details_create"),
    path("traces/<uuid:trace_id>/query/", views.trace_query_create, name="trace_query_create"),
    path("requests/<uuid:pk>/acknowledge/", views.request_acknowledge, name="request_ack_submit"),
    path("requests/<uuid:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<uuid:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<uuid:pk>/follow-up/", views.request_followup, name="request_followup"),
    path(
        "requests/<uuid:pk>/restriction-review/",
        views.request_restriction_review,
        name="request_restriction_review_set",
    ),
    path("messages/<uuid:pk>/file/", views.message_export, name="message_export"),
    path("messages/import/", views.message_import, name="message_import_add"),
    path("partners/", views.partners, name="partners"),
    path("partners/add/", views.partner_add, name="partner_add"),
    path("partners/<uuid:pk>/", views.partner, name="partner"),
    path("partners/<uuid:pk>/confirm/", views.partner_confirm, name="partner_confirm_submit"),
    path("partners/<uuid:pk>/suspend/", views.partner_suspend, name="partner_suspend_set"),
    path("partners/<uuid:pk>/reactivate/", views.partner_reactivate, name="partner_reactivate_set"),
    path("partners/<uuid:pk>/keys/", views.partner_keys_set, name="partner_keys_set"),
    path("node/rotate/", views.node_rotate, name="node_rotate_set"),
    path("node.json", views.node_document, name="node_document"),
    path("inbox", views.inbox, name="inbox_add"),
]
