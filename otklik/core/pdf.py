"""The fonts every PDF of Otklik is drawn with: Debian's DejaVu (Cyrillic), nothing downloaded."""

from __future__ import annotations

import os
from pathlib import Path

from otklik.core.exceptions import ApplicationError

FONT_DIR = Path(os.environ.get("OTKLIK_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def pdf_fonts() -> tuple[Path, Path]:
    """The regular and bold DejaVu Sans files (refused with what to install when missing)."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise ApplicationError(
            f"Нет шрифтов DejaVu в {FONT_DIR}: установите fonts-dejavu-core (make pdftools)."
        )
    return regular, bold
