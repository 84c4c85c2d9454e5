"""``python -m otklik X`` is ``otklik X`` (used by `otklik serve` for its child processes)."""

import sys

from otklik.cli import main

sys.exit(main(sys.argv))
