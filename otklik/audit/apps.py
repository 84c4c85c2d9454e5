from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "otklik.audit"
    label = "audit"
    verbose_name = "Журнал действий"

    def ready(self) -> None:
        # every app describes its own events in <app>/audit_labels.py (see audit/registry.py)
        autodiscover_modules("audit_labels")
