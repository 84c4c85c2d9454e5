"""Numbers that a browser draws or parses (SVG geometry, CSS lengths, data for scripts) must not
go through Django's localisation: ru writes 75.8 as «75,8», which no SVG or CSS parser reads.

Every template of every app is read; an attribute of geometry or style that takes a template
variable must pass it through ``unlocalize`` or ``stringformat`` or stand inside
``{% localize off %}`` (tags that print an integer, such as ``widthratio``, are not variables)."""

from __future__ import annotations

import re
from pathlib import Path

import otklik

GEOMETRY = r"(?:cx|cy|r|x|y|x1|y1|x2|y2|dx|dy|width|height|points|d|viewBox|transform|style)"
ATTRIBUTE = re.compile(rf"""\s{GEOMETRY}="([^"]*\{{\{{[^"]*)\"""")
VARIABLE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
SAFE_FILTERS = ("unlocalize", "stringformat")
LOCALIZE_OFF = re.compile(r"\{%\s*localize\s+off\s*%\}.*?\{%\s*endlocalize\s*%\}", re.DOTALL)


def _unsafe(template: Path) -> list[str]:
    # blank out the regions where localisation is off, keeping the line numbers
    text = LOCALIZE_OFF.sub(lambda m: "\n" * m.group(0).count("\n"), template.read_text("utf-8"))
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for value in ATTRIBUTE.findall(line):
            for expression in VARIABLE.findall(value):
                if not any(f"|{name}" in expression.replace(" ", "") for name in SAFE_FILTERS):
                    found.append(f"{template}:{number}: {{{{ {expression} }}}}")
    return found


def test_no_localised_number_in_geometry_or_style():
    root = Path(otklik.__file__).parent
    templates = sorted(root.rglob("templates/**/*.html"))
    assert len(templates) > 50

    offenders = [line for template in templates for line in _unsafe(template)]

    assert offenders == []


def test_the_check_catches_a_localised_coordinate(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<svg><circle cx="{{ p.x }}" cy="{{ p.y|unlocalize }}" r="3"/></svg>\n'
        '{% localize off %}<svg>\n<rect x="{{ b.x }}"/></svg>{% endlocalize %}\n'
        '<span style="width:{{ share }}%"></span>',
        "utf-8",
    )

    assert _unsafe(bad) == [f"{bad}:1: {{{{ p.x }}}}", f"{bad}:4: {{{{ share }}}}"]
