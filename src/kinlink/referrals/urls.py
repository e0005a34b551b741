from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.service_map, name="map"),
    path("import/", views.service_import, name="import"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/<uuid:point_id>/", views.point_edit, name="point_edit"),
    path("areas/import/", views.areas_import, name="areas_import"),
    path("inbox/", views.inbox, name="inbox"),
    path("cases/<uuid:pk>/referrals/", views.referral_add, name="referral_add"),
    path("referrals/<uuid:referral_id>/status/", views.referral_update, name="referral_set_status"),
]
