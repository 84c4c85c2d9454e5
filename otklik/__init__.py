"""Otklik (Отклик): the open platform of a Regional Management Center (ЦУР)."""

__version__ = "0.1.0"
