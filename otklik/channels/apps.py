from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "otklik.channels"
    label = "channels"
    verbose_name = "Каналы"

    def ready(self) -> None:
        from otklik.cases.outbox import register_delivery_listener
        from otklik.channels.services import health_delivery

        register_delivery_listener(health_delivery)
