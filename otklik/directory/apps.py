from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "otklik.directory"
    label = "directory"
    verbose_name = "Справочники региона"

    def ready(self) -> None:
        from django.core import signals

        from otklik.directory import cache

        # the reference version is read once per request (otklik.directory.cache)
        signals.request_started.connect(cache.request_started, dispatch_uid="directory-books")
        signals.request_finished.connect(cache.request_finished, dispatch_uid="directory-books")
