from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.board, name="board"),
    path("<uuid:pk>/", views.open_alert, name="open"),
]
