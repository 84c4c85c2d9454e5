"""``otklik email poll [--once] [--every SECONDS]``: fetch the ЦУР mailbox over IMAP."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from otklik.channels.email.poll import EmailPollError, email_poll


class Command(BaseCommand):
    help = "Канал «Электронная почта»: приём писем из почтового ящика (IMAP)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        poll = sub.add_parser("poll", help="fetch new mail (until Ctrl-C, or --once)")
        poll.add_argument("--once", action="store_true", help="fetch once and exit")
        poll.add_argument("--every", type=int, default=60, help="seconds between polls")
        poll.add_argument("--json", action="store_true", help="print each result as JSON")

    def handle(self, *args, **o):
        while True:
            try:
                result = email_poll()
            except EmailPollError as exc:
                if o["once"]:
                    raise CommandError(exc.message) from exc
                self.stderr.write(exc.message)
            else:
                if not result.configured:
                    raise CommandError(
                        "Почтовый ящик не настроен: задайте OTKLIK_EMAIL_IMAP_HOST, "
                        "OTKLIK_EMAIL_IMAP_USER и OTKLIK_EMAIL_IMAP_PASSWORD."
                    )
                if o["json"]:
                    self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
                else:
                    c = result.counts
                    self.stdout.write(
                        f"Писем получено: {result.fetched}; новых сообщений: {c['created']}, "
                        f"повторов: {c['duplicate']}, в карантин: {c['rejected']}, "
                        f"служебных: {c['ignored']}."
                    )
            if o["once"]:
                return
            time.sleep(max(5, o["every"]))
