from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "otklik.nlp"
    label = "nlp"
    verbose_name = "Анализ сообщений"
