from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "fullpicture.training"
    label = "training"
    verbose_name = "Training and self-assessment"
