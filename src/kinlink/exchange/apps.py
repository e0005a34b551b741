from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "kinlink.exchange"
    label = "exchange"
    verbose_name = "Cross-border exchange"

    def ready(self):
        from . import services  # noqa: F401  (registers the approval and case hooks)
