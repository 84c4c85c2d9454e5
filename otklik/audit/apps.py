from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "otklik.audit"
    label = "audit"
    verbose_name = "Журнал действий"
