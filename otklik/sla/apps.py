from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "otklik.sla"
    label = "sla"
    verbose_name = "Сроки"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from otklik.directory.cache import reference_changed
        from otklik.sla.models import DeadlinePolicy

        def changed(**kwargs) -> None:  # every process drops its book of policies
            reference_changed()

        post_save.connect(changed, sender=DeadlinePolicy, weak=False, dispatch_uid="sla-book")
        post_delete.connect(changed, sender=DeadlinePolicy, weak=False, dispatch_uid="sla-book-d")
