"""The ``otklik`` command: ``otklik X`` is ``manage.py X`` (see ``otklik help``)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "otklik"
    execute_from_command_line(argv)
    return 0
