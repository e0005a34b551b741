from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kinlink.care"
    label = "care"
    verbose_name = "Alternative care and best interests"

    def ready(self):
        from kinlink.cases import hooks

        from .services import release_action_check

        if release_action_check not in hooks.action_completion_checks:
            hooks.action_completion_checks.append(release_action_check)
