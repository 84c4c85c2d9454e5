#!/usr/bin/env python
"""Django's command-line utility; the installed `otklik` command does the same."""

import sys

from otklik.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
