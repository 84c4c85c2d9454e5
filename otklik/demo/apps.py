from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "otklik.demo"
    label = "demo"
    verbose_name = "Демонстрационные данные"
