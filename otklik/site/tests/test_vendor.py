"""The vendored browser libraries are the files their README records: each file's sha256 is in
its table of checksums, no file is there without it, and every source map a script names is
shipped (production's manifest storage refuses a missing one at ``collectstatic``)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings

VENDOR = Path(settings.BASE_DIR) / "otklik" / "static" / "vendor"
ROW = re.compile(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", re.M)


def _recorded() -> dict[str, str]:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Checksums", 1)[1].split("\n## ", 1)[0]
    return dict(ROW.findall(table))


def _files() -> list[str]:
    return sorted(
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name != "README.md"
    )


def test_every_vendored_file_has_its_recorded_checksum():
    recorded = _recorded()
    assert {"htmx/htmx.min.js", "frappe-gantt/frappe-gantt.umd.js", "chartjs/chart.umd.min.js"} <= (
        recorded.keys()
    )
    assert sorted(recorded) == _files()
    actual = {f: hashlib.sha256((VENDOR / f).read_bytes()).hexdigest() for f in _files()}
    assert actual == recorded


def test_every_library_has_its_licence_and_its_source_maps():
    for folder in (p for p in VENDOR.iterdir() if p.is_dir()):
        assert (folder / "LICENSE").is_file(), folder.name
        for script in folder.glob("*.js"):
            for name in re.findall(
                r"^//# sourceMappingURL=(\S+)$", script.read_text(encoding="utf-8"), re.M
            ):
                assert (folder / name).is_file(), f"{script.name} names {name}"


def test_the_chart_library_asks_for_nothing_outside():
    """No address the browser would load (only the project's page and a licence's home)."""
    text = (VENDOR / "chartjs" / "chart.umd.min.js").read_text(encoding="utf-8")
    assert sorted(set(re.findall(r"https?://[^\s\"')]+", text))) == [
        "https://github.com/kurkle/color#readme",
        "https://www.chartjs.org",
    ]
    assert "fetch(" not in text and "XMLHttpRequest" not in text and "@import" not in text
