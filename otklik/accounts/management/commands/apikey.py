"""``otklik apikey create --system NAME [--json]``, ``apikey list``, ``apikey revoke PREFIX``."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from otklik.accounts.apikeys import apikey_create, apikey_revoke
from otklik.accounts.models import ApiKey
from otklik.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Ключи API внешних систем."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="issue a key (shown once)")
        create.add_argument("--system", required=True, help="name of the external system")
        create.add_argument("--json", action="store_true")
        sub.add_parser("list", help="list keys (never the keys themselves)")
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, **o):
        if o["subcommand"] == "create":
            try:
                api_key, key = apikey_create(system=o["system"])
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            if o["json"]:
                self.stdout.write(
                    json.dumps(
                        {"key": key, "system": api_key.system, "prefix": api_key.prefix},
                        ensure_ascii=False,
                    )
                )
            else:
                self.stdout.write(f"Ключ для «{api_key.system}» (показан один раз): {key}")
        elif o["subcommand"] == "list":
            for k in ApiKey.objects.all():
                state = f"отозван {k.revoked_at:%d.%m.%Y}" if k.revoked_at else "действует"
                self.stdout.write(f"{k.prefix:14} {k.system:40} {state}")
        else:
            api_key = ApiKey.objects.filter(prefix=o["prefix"]).first()
            if api_key is None:
                raise CommandError(f"Нет ключа с началом «{o['prefix']}».")
            apikey_revoke(api_key=api_key)
            self.stdout.write(f"Ключ {api_key.prefix}… системы «{api_key.system}» отозван.")
