from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "otklik.channels.desk"
    label = "channels_desk"
    verbose_name = "Звонки и письма, зарегистрированные оператором"

    def ready(self) -> None:
        from otklik.channels.desk.converter import convert
        from otklik.intake.services import register_native_converter

        # The quarantine retries a stored registration through the same converter.
        for channel in ("phone", "paper"):
            register_native_converter(channel, convert)
