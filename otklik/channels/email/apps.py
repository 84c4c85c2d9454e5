from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "otklik.channels.email"
    label = "channels_email"
    verbose_name = "Канал: электронная почта"

    def ready(self) -> None:
        from otklik.cases.outbox import register_transport
        from otklik.channels.email.parsing import convert_body
        from otklik.channels.email.smtp import smtp_transport
        from otklik.intake.services import register_native_converter

        register_transport("email", smtp_transport)
        register_native_converter("email", convert_body)
