from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "kinlink.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"
