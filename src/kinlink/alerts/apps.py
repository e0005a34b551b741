from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "kinlink.alerts"
    label = "alerts"
    verbose_name = "Alerts"
