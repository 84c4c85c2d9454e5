"""``otklik telegram poll [--once]`` · ``otklik telegram webhook set URL`` /
``otklik telegram webhook delete``."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from otklik.channels.secrets import channel_secret
from otklik.channels.telegram.client import BotApi, BotApiError
from otklik.channels.telegram.services import updates_poll, webhook_delete, webhook_set


class Command(BaseCommand):
    help = "Telegram-бот: получение обновлений (long polling) и настройка webhook."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="read updates by long polling")
        poll.add_argument("--once", action="store_true", help="one getUpdates, then exit")
        poll.add_argument(
            "--timeout", type=int, default=25, help="long-polling seconds (default 25)"
        )
        hook = sub.add_parser("webhook", help="set or delete the webhook")
        hook.add_argument("what", choices=["set", "delete"])
        hook.add_argument("url", nargs="?", help="https://…/channels/telegram/webhook/ (for set)")

    def handle(self, *args, **o):
        try:
            api = BotApi()
        except Exception as exc:
            raise CommandError(str(exc)) from None
        if o["action"] == "webhook":
            try:
                if o["what"] == "set":
                    if not o["url"]:
                        raise CommandError("Укажите адрес webhook.")
                    secret = channel_secret("telegram", "webhook_secret")
                    webhook_set(url=o["url"], secret=secret, api=api)
                    self.stdout.write("webhook set")
                else:
                    webhook_delete(api=api)
                    self.stdout.write("webhook deleted")
            except BotApiError as exc:
                raise CommandError(str(exc)) from None
            return
        if o["once"]:
            self.stdout.write(f"read {updates_poll(api=api, timeout=0)} update(s)")
            return
        stopping = {"flag": False}

        def stop(signum, frame):
            stopping["flag"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("telegram: polling")
        while not stopping["flag"]:
            started = time.monotonic()
            read = updates_poll(api=api, timeout=o["timeout"])
            if not read and time.monotonic() - started < 1:  # the Bot API failed at once
                time.sleep(5)
        self.stdout.write("telegram: stopped")
