from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "otklik.documents"
    verbose_name = "Документы ЦУР"

    def ready(self) -> None:
        # An approved document of a kind with a renderer is registered in the transaction of
        # its approval: the approvals app calls back through its listeners (it never imports
        # this app).
        from otklik.approvals.registry import approved_listeners_register
        from otklik.documents.services import on_approved

        approved_listeners_register(on_approved)

        # every verification of the audit chain also checks the registered documents against
        # their sealed registration entries
        from otklik.audit.chain import verify_checks_register
        from otklik.documents.integrity import documents_check

        verify_checks_register(documents_check)
