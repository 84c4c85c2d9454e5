from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "otklik.sla"
    label = "sla"
    verbose_name = "Сроки"
