from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.training_list, name="list"),
    path("create/", views.training_create, name="create"),
    path("plan/", views.plan, name="plan"),
    path("<uuid:pk>/", views.training_detail, name="detail"),
    path("<uuid:pk>/modules/", views.module_add, name="module_add"),
    path("<uuid:pk>/sessions/", views.session_add, name="session_add"),
    path("<uuid:pk>/publish/", views.publish, name="publish"),
    path("<uuid:pk>/participants/", views.participant_add, name="participant_add"),
    path("<uuid:pk>/results/", views.results_record, name="results_set"),
    path("certificates/<uuid:pk>/", views.certificate, name="certificate"),
    path("practices/", views.practices, name="practices"),
    path("practices/add/", views.practice_add, name="practice_add"),
    path("practices/<uuid:pk>/", views.practice_detail, name="practice"),
    path("practices/<uuid:pk>/review/", views.practice_review, name="practice_decide"),
]
