"""The office's page of plan/fact files of indicators: upload with a column mapping, see the dry
run row by row, then apply (``otklik.office.imports``)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from otklik.core.permissions import Action
from otklik.core.uploads import MappedUploadForm, upload_form, upload_step
from otklik.core.views import require_action
from otklik.office.imports import (
    MAPPINGS_DIR,
    IndicatorsImport,
    indicators_import,
    indicators_mapping,
)

STATUS_LABELS = {
    # status → (as planned, as done)
    "created": ("будет внесено", "внесено"),
    "updated": ("будет изменено", "изменено"),
    "unchanged": ("без изменений", "без изменений"),
    "error": ("ошибка", "ошибка"),
}


class IndicatorsImportForm(MappedUploadForm):
    mappings_dir = MAPPINGS_DIR
    field_order = ["file", "mapping", "mapping_file", "evidence", "dry_run"]

    evidence = forms.CharField(
        label="Подтверждение фактов — одно на весь файл",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Для строк без своего подтверждения: документ, ссылка, источник значений.",
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.INDICATOR_MANAGE)
def indicators_import_view(request: HttpRequest) -> HttpResponse:
    form = upload_form(IndicatorsImportForm, request)

    def run(payload: dict, dry_run: bool) -> IndicatorsImport:
        text = payload["mapping"]
        return indicators_import(
            actor=request.user,
            name=payload["name"],
            content=payload["content"],
            mapping=indicators_mapping(text) if text else None,
            evidence=payload["evidence"],
            dry_run=dry_run,
        )

    report, token = upload_step(request, form, run, extra=("evidence",))
    done = 0 if report is None or not report.applied else 1
    rows = [] if report is None else report.rows
    return render(
        request,
        "office/indicators_import.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "rows": [(r, STATUS_LABELS[r.status][done]) for r in rows],
            "counts": []
            if report is None
            else [(STATUS_LABELS[k][done], k, v) for k, v in report.counts.items()],
        },
    )
