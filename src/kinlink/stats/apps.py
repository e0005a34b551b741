from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kinlink.stats"
    label = "stats"
    verbose_name = "Statistics"
