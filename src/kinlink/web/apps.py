from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kinlink.web"
    label = "web"
    verbose_name = "Web interface"
