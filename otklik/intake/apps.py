from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "otklik.intake"
    label = "intake"
    verbose_name = "Поступления"
