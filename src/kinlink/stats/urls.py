from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("refresh/", views.refresh, name="refresh"),
    path("surveys/", views.survey_estimate, name="survey"),
    path("profile/", views.country_profile, name="profile"),
    path("profile/laws/new/", views.law_create, name="law_create"),
    path("profile/laws/<uuid:pk>/", views.law_edit, name="law_edit"),
    path("releases/", views.releases, name="releases"),
    path("releases/new/", views.release_create, name="release_create"),
    path("releases/new-extract/", views.extract_create, name="extract_create"),
    path("releases/<uuid:pk>/", views.release_detail, name="release"),
    path("releases/<uuid:pk>/submit/", views.release_submit, name="release_submit"),
    path("releases/<uuid:pk>/decide/", views.release_decide, name="release_decide"),
    path("releases/<uuid:pk>/export/<str:fmt>/", views.release_export, name="release_export"),
]
