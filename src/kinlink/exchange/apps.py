from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "kinlink.exchange"
    label = "exchange"
    verbose_name = "Cross-border exchange"
