"""The audit log page: who changed what and when, in Russian, filtered, exported."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from otklik.audit import selectors
from otklik.audit.forms import EventFilterForm
from otklik.core.permissions import Action
from otklik.core.views import paginate, require_action

EXPORT_MAX_ROWS = 100_000
EXPORT_HEADER = ["Время", "Кто", "Логин", "Действие", "Объект", "Подробности", "Код действия"]


@require_action(Action.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, user=request.user)
    events = selectors.event_list(user=request.user, filters=form.filters())
    page = paginate(request, events, per_page=50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.event_rows(list(page)),
            "query": query.urlencode(),
            "chain_alert": selectors.chain_alert(user=request.user),
        },
    )


def _export_rows(request: HttpRequest) -> list[list[str]]:
    form = EventFilterForm(request.GET or None, user=request.user)
    events = list(selectors.event_list(user=request.user, filters=form.filters())[:EXPORT_MAX_ROWS])
    rows = []
    for row in selectors.event_rows(events):
        e = row.event
        target = ""
        if row.target is not None:
            target = row.target.text
        rows.append(
            [
                timezone.localtime(e.created_at).strftime("%d.%m.%Y %H:%M:%S"),
                (e.actor.get_full_name() or e.actor.username) if e.actor else "система",
                e.actor.username if e.actor else "",
                row.action,
                target,
                "\n".join(row.details),
                e.action,
            ]
        )
    return rows


@require_action(Action.AUDIT_VIEW)
def event_export(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = _export_rows(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "Журнал действий"
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append(row)
        for column, width in zip("ABCDEFG", (20, 28, 16, 40, 36, 60, 24), strict=True):
            sheet.column_dimensions[column].width = width
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(
            data.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
