"""``otklik createuser --role ROLE [--sector|--organization|--municipality ...]``."""

from __future__ import annotations

import getpass
import secrets

from django.core.management.base import BaseCommand, CommandError

from otklik.accounts.services import user_create
from otklik.core.exceptions import ApplicationError
from otklik.core.roles import Role
from otklik.directory.models import Municipality, Organization, Sector


class Command(BaseCommand):
    help = "Создать пользователя с ролью и зоной ответственности."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--sector", help="код отраслевого блока (для sector_lead)")
        parser.add_argument("--organization", help="код организации (для org_operator)")
        parser.add_argument(
            "--municipality", help="код ОКАТО или название МО (для municipal_coordinator)"
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="пароль; без него спросит или сгенерирует")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="сгенерировать пароль и напечатать его один раз",
        )

    def handle(self, *args, **o):
        scope = {}
        try:
            if o["sector"]:
                scope["sector"] = Sector.objects.get(code=o["sector"])
            if o["organization"]:
                scope["organization"] = Organization.objects.get(code=o["organization"])
            if o["municipality"]:
                value = o["municipality"]
                scope["municipality"] = Municipality.objects.filter(
                    okato=value
                ).first() or Municipality.objects.get(name__iexact=value)
        except (Sector.DoesNotExist, Organization.DoesNotExist, Municipality.DoesNotExist) as exc:
            raise CommandError(f"Не найдено: {exc}") from exc

        password = o["password"]
        generated = False
        if not password:
            if o["generate_password"] or not self.stdin_is_tty():
                password = secrets.token_urlsafe(12)
                generated = True
            else:
                password = getpass.getpass("Пароль: ")
        try:
            user = user_create(
                actor=None,
                username=o["username"],
                password=password,
                role=o["role"],
                first_name=o["first_name"],
                last_name=o["last_name"],
                email=o["email"],
                **scope,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Создан пользователь {user.username}: {user.role_label}, {user.scope_label}."
        )
        if generated:
            self.stdout.write(f"Пароль (показан один раз): {password}")

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin is not None and sys.stdin.isatty()
