from django.apps import AppConfig


class TelegramConfig(AppConfig):
    name = "otklik.channels.telegram"
    label = "channels_telegram"
    verbose_name = "Канал: Telegram"

    def ready(self) -> None:
        from otklik.cases.outbox import register_transport
        from otklik.cases.services.common import on_case_event
        from otklik.channels.telegram import converter, news, services, transport
        from otklik.intake.services import register_native_converter, register_processing_gate

        register_transport("telegram", transport.send)
        register_native_converter("telegram", converter.convert)
        register_processing_gate("telegram", services.processing_gate)
        on_case_event(news.case_news_listener)
