from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kinlink.stats"
    label = "stats"
    verbose_name = "Statistics"

    def ready(self):
        from . import domain_indicators  # noqa: F401  (registers the other domains' indicators)
