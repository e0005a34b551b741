from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.service_map, name="map"),
    path("import/", views.service_import, name="import"),
    path("inbox/", views.inbox, name="inbox"),
    path("cases/<uuid:pk>/referrals/", views.referral_add, name="referral_add"),
    path("referrals/<uuid:referral_id>/status/", views.referral_update, name="referral_set_status"),
]
