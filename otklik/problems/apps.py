from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "otklik.problems"
    verbose_name = "Реестр региональных проблем"
