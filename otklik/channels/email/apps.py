from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "otklik.channels.email"
    label = "channels_email"
    verbose_name = "Канал: электронная почта"

    def ready(self) -> None:
        from otklik.cases.outbox import register_transport
        from otklik.channels.email.converter import convert
        from otklik.channels.email.transport import send
        from otklik.intake.services import register_native_converter

        register_transport("email", send)
        register_native_converter("email", convert)
