from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "otklik.nlp"
    label = "nlp"
    verbose_name = "Анализ сообщений"

    def ready(self) -> None:
        from otklik.intake.services import register_classified_listener
        from otklik.nlp.services.duplicates import bands_follow_classified

        register_classified_listener(bands_follow_classified)
