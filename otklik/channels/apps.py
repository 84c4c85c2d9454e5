from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "otklik.channels"
    label = "channels"
    verbose_name = "Каналы"
