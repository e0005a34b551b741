from django.urls import path

from . import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", views.manage, name="manage"),
    path("manage/import/", views.form_import, name="form_import"),
    path("versions/<uuid:pk>/", views.version_detail, name="version"),
    path("versions/<uuid:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<uuid:pk>/import/", views.responses_import, name="responses_import"),
    path("versions/<uuid:pk>/export/", views.export, name="export"),
    path("versions/<uuid:pk>/export/start/", views.export_start, name="export_start"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job_download"),
    path("versions/<uuid:pk>/start/", views.start, name="start"),
    path("responses/<uuid:pk>/", views.response_detail, name="response"),
    path("responses/<uuid:pk>/fill/", views.fill, name="fill"),
    path("responses/<uuid:pk>/discard/", views.discard, name="discard"),
    path("cities/", views.cities, name="cities"),
    path(
        "cases/<uuid:case_id>/assessments/<uuid:pk>/start/",
        views.case_assessment_start,
        name="case_assessment_start",
    ),
]
