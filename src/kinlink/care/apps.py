from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kinlink.care"
    label = "care"
    verbose_name = "Alternative care and best interests"
