from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "otklik.channels.open311"
    label = "channels_open311"
    verbose_name = "Канал Open311"

    def ready(self) -> None:
        from otklik.channels.open311.converter import convert
        from otklik.intake.services import register_native_converter

        # A quarantined request is read again by the same converter after a fix.
        register_native_converter("open311", convert)
