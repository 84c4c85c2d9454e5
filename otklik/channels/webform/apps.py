from django.apps import AppConfig


class WebformConfig(AppConfig):
    name = "otklik.channels.webform"
    label = "channels_webform"
    verbose_name = "Веб-форма"

    def ready(self) -> None:
        from otklik.channels.webform.converter import convert
        from otklik.intake.services import register_native_converter

        # The quarantine retries a stored web-form body through the same converter.
        register_native_converter("web", convert)
