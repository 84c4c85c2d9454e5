from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "otklik.channels.imports"
    label = "channels_imports"
    verbose_name = "Импорт выгрузок (ПОС, региональные и муниципальные системы)"

    def ready(self) -> None:
        from otklik.channels.imports.converter import convert
        from otklik.intake.services import register_native_converter

        # Rows are delivered with the source "import:<system>": the quarantine's retry reads
        # any of them with the mapping stored in the row's body.
        register_native_converter("", convert, source="import:*")
