"""The ЦУР page of file imports: upload with a mapping, see the dry run, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from otklik.channels.imports.forms import UploadForm
from otklik.channels.imports.models import ImportBatch
from otklik.channels.imports.services import (
    MAX_UPLOAD,
    import_batch_confirm,
    import_batch_plan,
)
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import Action
from otklik.core.views import require_action

STATUS_LABELS = {
    "create": "будет создано",
    "unchanged": "уже есть, без изменений",
    "differs": "уже есть, в файле отличается",
    "rejected": "отклонено",
    "created": "создано",
    "duplicate": "уже было",
}


@require_http_methods(["GET", "POST"])
@require_action(Action.CHANNEL_IMPORT)
def import_view(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", f"Файл больше {MAX_UPLOAD // (1024 * 1024)} МБ.")
        else:
            try:
                batch = import_batch_plan(
                    actor=request.user,
                    file_name=upload.name,
                    data=upload.read(),
                    mapping_text=form.cleaned_data["mapping"],
                )
            except AccessDenied:
                raise
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("channels_imports:batch", pk=batch.pk)
    batches = ImportBatch.objects.select_related("created_by")[:20]
    return render(request, "channels_imports/upload.html", {"form": form, "batches": batches})


def _rows(report: dict) -> list[dict]:
    return [
        {**r, "label": STATUS_LABELS.get(r["status"], r["status"])} for r in report.get("rows", [])
    ]


def _counts(report: dict) -> list[tuple[str, int]]:
    return [(STATUS_LABELS.get(k, k), v) for k, v in report.get("counts", {}).items()]


@require_http_methods(["GET"])
@require_action(Action.CHANNEL_IMPORT)
def batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    report = batch.result or batch.report
    return render(
        request,
        "channels_imports/batch.html",
        {
            "batch": batch,
            "report": report,
            "rows": _rows(report),
            "counts": _counts(report),
            "imported": batch.imported_at is not None,
        },
    )


@require_POST
@require_action(Action.CHANNEL_IMPORT)
def batch_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch = import_batch_confirm(actor=request.user, batch=batch)
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        counts = batch.result.get("counts", {})
        messages.success(
            request,
            f"Файл «{batch.file_name}» загружен: создано {counts.get('created', 0)}, "
            f"уже было {counts.get('duplicate', 0)}, в карантине {counts.get('rejected', 0)}.",
        )
    return redirect("channels_imports:batch", pk=batch.pk)
