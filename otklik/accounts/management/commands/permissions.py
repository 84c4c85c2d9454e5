"""``otklik permissions --markdown``: the permission matrix as in docs/permissions.md."""

from django.core.management.base import BaseCommand

from otklik.accounts.permissions import matrix_markdown


class Command(BaseCommand):
    help = "Показать матрицу прав (роль × действие)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true")

    def handle(self, *args, **options):
        self.stdout.write(matrix_markdown(), ending="")
