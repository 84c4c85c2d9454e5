from django.apps import AppConfig


class VkConfig(AppConfig):
    name = "otklik.channels.vk"
    label = "channels_vk"
    verbose_name = "Канал ВКонтакте"

    def ready(self) -> None:
        from otklik.cases.outbox import register_transport
        from otklik.channels.notices import notices_listen
        from otklik.channels.vk import converter, transport
        from otklik.intake.services import register_native_converter

        register_transport("vk", transport.send)
        notices_listen("vk")
        register_native_converter("vk", converter.convert)
