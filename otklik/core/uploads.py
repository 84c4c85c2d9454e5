"""The page of a file import with a column mapping: upload the file with a mapping (a shipped
example or one's own), see the dry run, then apply the file that was checked.

The checked file waits in the cache (for its user only, an hour) under a random token that the
«apply» button sends back; applying takes it out, so a double click applies it once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest

from otklik.core.exceptions import ApplicationError
from otklik.core.mapping import mappings_shipped

STAGE_SECONDS = 3600
MAX_FILE = 10 * 1024 * 1024  # the checked file waits in the cache: keep it modest
MAX_MAPPING = 256 * 1024


class MappedUploadForm(forms.Form):
    """A file, its column mapping (``mappings_dir``: the shipped examples) and «check only»."""

    mappings_dir: Path | None = None

    file = forms.FileField(label="Файл (CSV, XLSX, JSON)")
    mapping = forms.ChoiceField(label="Сопоставление столбцов", required=False)
    mapping_file = forms.FileField(
        label="или своё сопоставление (TOML или JSON)",
        required=False,
        help_text="Возьмите пример из поставки и поправьте названия столбцов под свой файл.",
    )
    dry_run = forms.BooleanField(
        label="Только проверить, ничего не менять", required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shipped = mappings_shipped(self.mappings_dir) if self.mappings_dir else {}
        self.fields["mapping"].choices = [
            ("", "без сопоставления: столбцы с английскими названиями полей")
        ] + [(name, f"пример: {label}") for name, (label, _) in self.shipped.items()]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE:
            raise forms.ValidationError(f"Файл больше {MAX_FILE // (1024 * 1024)} МБ.")
        return upload

    def clean(self) -> dict:
        data = super().clean()
        own = data.get("mapping_file")
        if own:
            if own.size > MAX_MAPPING:
                raise forms.ValidationError("Файл сопоставления слишком большой.")
            try:
                data["mapping_text"] = own.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("Сопоставление: ожидается текст в UTF-8.") from None
        elif data.get("mapping"):
            data["mapping_text"] = self.shipped[data["mapping"]][1]
        else:
            data["mapping_text"] = ""
        return data


def upload_form(form_class: type[MappedUploadForm], request: HttpRequest) -> MappedUploadForm:
    """The page's form: bound to a POST that uploads, empty for a GET or an «apply»."""
    if request.method == "POST" and "apply" not in request.POST:
        return form_class(request.POST, request.FILES)
    return form_class()


def upload_stage(user: Any, payload: dict) -> str:
    """Keep a checked upload for ``user``; the token that applies it."""
    token = secrets.token_urlsafe(16)
    cache.set(f"otklik:upload:{user.pk}:{token}", payload, STAGE_SECONDS)
    return token


def upload_take(user: Any, token: str) -> dict | None:
    """The upload ``user`` checked under ``token``, taken out (None when gone or another's)."""
    key = f"otklik:upload:{user.pk}:{token}"
    payload = cache.get(key)
    cache.delete(key)
    return payload


def upload_step(
    request: HttpRequest,
    form: MappedUploadForm,
    run: Callable[[dict, bool], Any],
    extra: tuple[str, ...] = (),
) -> tuple[Any, str]:
    """One POST of an import page: «apply» runs the checked upload; else a valid form runs
    ``run(payload, dry_run)`` and, after a dry run without errors, keeps the upload to apply.
    ``payload``: ``name``, ``content``, ``mapping`` (its text) and the form's ``extra`` fields.
    Returns the report (or None) and the token of the kept upload."""
    if request.method != "POST":
        return None, ""
    try:
        if "apply" in request.POST:
            payload = upload_take(request.user, request.POST.get("token", ""))
            if payload is None:
                messages.error(request, "Проверка устарела или файл уже загружен: загрузите снова.")
                return None, ""
            return run(payload, False), ""
        if not form.is_valid():
            return None, ""
        d = form.cleaned_data
        payload = {
            "name": d["file"].name,
            "content": d["file"].read(),
            "mapping": d["mapping_text"],
            **{k: d[k] for k in extra},
        }
        report = run(payload, d["dry_run"])
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
        return None, ""
    token = upload_stage(request.user, payload) if d["dry_run"] and not report.errors else ""
    return report, token
