"""``otklik permissions --markdown [--write docs/permissions.md]``: the permission matrix."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from otklik.core.permissions import matrix_markdown

START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"


class Command(BaseCommand):
    help = "Показать матрицу прав (роль × действие)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="as a Markdown table")
        parser.add_argument(
            "--write", metavar="FILE", help=f"replace the table between {START} and {END} in FILE"
        )

    def handle(self, *args, **options):
        table = matrix_markdown()
        if not options["write"]:
            self.stdout.write(table, ending="")
            return
        path = Path(options["write"])
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
        if not pattern.search(text):
            raise CommandError(f"{path}: no {START} … {END} block")
        path.write_text(pattern.sub(f"{START}\n{table}{END}", text), encoding="utf-8")
        self.stdout.write(f"{path}: matrix updated")
