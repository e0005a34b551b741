from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kinlink.api"
    label = "api"
    verbose_name = "JSON API"
