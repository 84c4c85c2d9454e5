"""The web worker's module: every view imported and the long-lived objects frozen out of the
collector's reach (the cause of a ~170 ms pause in about one request in 65)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_wsgi_module_imports_every_view_and_freezes_what_it_loaded():
    probe = (
        "import gc, sys; import otklik.wsgi; "
        "print(gc.get_freeze_count(), 'otklik.office.views_roadmap' in sys.modules)"
    )
    env = {**os.environ, "OTKLIK_LOG_LEVEL": "WARNING"}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    frozen, views = int(out[0]), out[1]
    # Django, the apps and the view modules are far more than 50,000 objects (about 240,000)
    assert frozen > 50_000 and views == "True"
