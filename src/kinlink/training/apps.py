from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "kinlink.training"
    label = "training"
    verbose_name = "Training and good practice"
