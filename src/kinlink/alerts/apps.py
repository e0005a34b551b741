from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "kinlink.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        from kinlink.cases import hooks

        from . import engine

        if engine.on_case_changed not in hooks.case_changed:
            hooks.case_changed.append(engine.on_case_changed)
