"""``otklik setup [--demo]``: migrate, load the reference data; with --demo, demo users and data."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from otklik.cases.choices import CaseStatus
from otklik.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Подготовить базу: миграции, справочники региона; с --demo — демонстрационные данные."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="create demo users of every role and a demo message stream",
        )
        parser.add_argument("--demo-messages", type=int, default=2000)
        parser.add_argument("--demo-days", type=int, default=90)
        parser.add_argument(
            "--reset-demo-passwords",
            action="store_true",
            help="give the demo users new passwords and print them",
        )
        parser.add_argument(
            "--skip-static", action="store_true", help="do not collect static files"
        )
        parser.add_argument(
            "--history-now",
            action="store_true",
            help="drive the demo's history here, not in the background of `otklik serve`",
        )

    def handle(self, *args, **o):
        from otklik.directory.services import reference_data_load
        from otklik.site.services import platform_data_load

        verbosity = o["verbosity"]
        self.stdout.write("Миграции базы данных…")
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            call_command("createcachetable", verbosity=0)
        if not o["skip_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            report = reference_data_load(actor=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        created = sum(report.created.values())
        updated = sum(report.updated.values())
        self.stdout.write(
            f"Справочники региона загружены: создано {created}, "
            f"обновлено {updated}, без изменений "
            f"{sum(report.unchanged.values())}."
        )
        try:
            data = platform_data_load()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        policies = data.policies
        self.stdout.write(
            f"Правила сроков загружены: создано {sum(policies.created.values())}, "
            f"обновлено {sum(policies.updated.values())}."
        )
        self.stdout.write(
            f"Маршруты согласования: {len(data.routes.kinds)} видов документов; "
            f"блоков проектного офиса создано {data.blocks_created}."
        )
        from otklik.office.services import indicators_load

        try:
            indicators = indicators_load(actor=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Обязательные показатели ЦУР: добавлено {len(indicators.created)}, "
            f"обновлено {len(indicators.updated)}."
        )
        from otklik.office.services_roadmap import programmes_load

        try:
            programmes = programmes_load(actor=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Национальные проекты и программы: добавлено {len(programmes.created)}, "
            f"обновлено {len(programmes.updated)}."
        )
        from otklik.cases.services.answers import answer_templates_load
        from otklik.cases.services.routing import routing_rules_load

        rules = routing_rules_load()
        answer_templates_load()
        self.stdout.write(
            f"Правила маршрутизации: добавлено {rules['created']}, уже были {rules['kept']}."
        )
        from otklik.analytics.services import methodology_seed

        if methodology_seed():
            self.stdout.write("Методика рейтинга: загружена версия из поставки.")
        if o["demo"]:
            self._demo(o)

    def _demo(self, o) -> None:
        from otklik.channels.services import health_recount
        from otklik.demo.history import demo_history_pending, demo_history_plan
        from otklik.demo.services import demo_messages_load, demo_present, demo_users_create

        users = demo_users_create(reset_passwords=o["reset_demo_passwords"])
        if demo_present():
            self.stdout.write("Демонстрационные сообщения уже загружены.")
        else:
            self.stdout.write(
                f"Демонстрационный поток: {o['demo_messages']} сообщений за {o['demo_days']} дней…"
            )
            created, existing = demo_messages_load(count=o["demo_messages"], days=o["demo_days"])
            self.stdout.write(f"Загружено сообщений: {created} (уже были: {existing}).")
            demo_history_plan(total=created + existing)
            health_recount()
        from otklik.demo.office import demo_office_load

        projects = demo_office_load()
        if projects:
            self.stdout.write(f"Проектный офис: {projects} проектов блоков с паспортами.")
        if demo_history_pending():
            if o["history_now"]:
                self._history()
            else:
                self.stdout.write(
                    "История демо-региона (жизненный цикл этих сообщений: ответы, сроки, "
                    "опросы) загрузится в фоне после запуска `otklik serve`; страницы уже "
                    "работают, ход виден на главной."
                )
        self._logins(users)

    def _history(self) -> None:
        from otklik.demo.history import demo_history_run

        self.stdout.write("Инциденты демо-потока проходят жизненный цикл…")
        try:
            states = demo_history_run(report=lambda line: self.stdout.write(f"  {line}"))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        labels = dict(CaseStatus.choices)
        self.stdout.write(
            "Инциденты: "
            + ", ".join(
                f"{labels[s]} — {n}" for s, n in sorted(states.items(), key=lambda kv: -kv[1])
            )
        )

    def _logins(self, users) -> None:
        """Last, so that nothing printed after them pushes them out of sight."""
        fresh = [(demo, pw) for demo, pw in users if pw]
        self.stdout.write("")
        if not fresh:
            self.stdout.write(
                "Демонстрационные пользователи уже есть; новые пароли: "
                "otklik setup --demo --reset-demo-passwords"
            )
            return
        self.stdout.write("Демонстрационные пользователи (пароли показаны один раз):")
        for demo, password in fresh:
            self.stdout.write(f"  {demo.username:24} {password:16} {demo.position}")
