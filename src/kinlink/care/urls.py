from django.urls import path

from . import views

app_name = "care"
P = "cases/<uuid:pk>/placements/<uuid:placement_id>/"
B = "cases/<uuid:pk>/bips/<uuid:process_id>/"
urlpatterns = [
    path("providers/", views.providers, name="providers"),
    path("cases/<uuid:pk>/placements/", views.placement_add, name="placement_add"),
    path(P + "gatekeeping/", views.gatekeeping_add, name="gatekeeping_add"),
    path(P + "start/", views.placement_start, name="placement_start"),
    path(P + "review/", views.review_add, name="review_add"),
    path(P + "end/", views.placement_end, name="placement_end"),
    path("cases/<uuid:pk>/guardian/", views.guardian_add, name="guardian_add"),
    path("cases/<uuid:pk>/bips/", views.bip_add, name="bip_add"),
    path(B + "bia/", views.bia_complete, name="bia_complete"),
    path(B + "panel/", views.panel_add, name="panel_add"),
    path(B + "decide/", views.bid_decide, name="bid_decide"),
    path(B + "reopen/", views.bid_reopen, name="bid_reopen"),
    path("cases/<uuid:pk>/solutions/", views.solution_add, name="solution_add"),
    path(
        "cases/<uuid:pk>/solutions/<uuid:solution_id>/implement/",
        views.solution_implement,
        name="solution_implement",
    ),
]
