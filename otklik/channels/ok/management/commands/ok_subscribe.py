from django.core.management.base import BaseCommand, CommandError

from otklik.channels.ok.client import OkError
from otklik.channels.ok.services import webhook_subscribe


class Command(BaseCommand):
    help = (
        "Подписать вебхук чатов группы в Одноклассниках: "
        "URL вида https://<хост>/channels/ok/webhook/<OTKLIK_OK_WEBHOOK_SECRET>/"
    )

    def add_arguments(self, parser):
        parser.add_argument("url")

    def handle(self, *args, url: str, **options):
        try:
            answer = webhook_subscribe(url=url)
        except OkError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Одноклассники ответили: {answer}")
