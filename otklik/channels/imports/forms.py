"""The upload form of the imports page: a file and its mapping (the example mapping shown)."""

from __future__ import annotations

from pathlib import Path

from django import forms

EXAMPLE = (Path(__file__).parent / "example_mapping.toml").read_text(encoding="utf-8")


class UploadForm(forms.Form):
    file = forms.FileField(label="Файл выгрузки (CSV, XLSX, JSON)")
    mapping = forms.CharField(
        label="Сопоставление столбцов (TOML или JSON)",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        initial=EXAMPLE,
    )
