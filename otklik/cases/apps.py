from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "otklik.cases"
    label = "cases"
    verbose_name = "Инциденты"
