from django.apps import AppConfig


class OkConfig(AppConfig):
    name = "otklik.channels.ok"
    label = "channels_ok"
    verbose_name = "Канал Одноклассники"

    def ready(self) -> None:
        from otklik.cases.outbox import register_transport
        from otklik.channels.notices import notices_listen
        from otklik.channels.ok import converter, transport
        from otklik.intake.services import register_native_converter

        register_transport("ok", transport.send)
        notices_listen("ok")
        register_native_converter("ok", converter.convert)
