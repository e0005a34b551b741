from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "kinlink.tracing"
    label = "tracing"
    verbose_name = "Family tracing and reunification"

    def ready(self):
        from . import services  # noqa: F401  (registers the case workflow hooks)
