"""The pages of the blocks' progress reports: thin — parse, call a selector or a service,
render. The block's page shows its reports through ``block_section``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from otklik.approvals.selectors import approval_of, approval_panel
from otklik.core.permissions import Action, can
from otklik.core.views import require_action
from otklik.office import periods, printing, selectors, services, services_block_reports
from otklik.office.choices import ReportStanding
from otklik.office.models import Block
from otklik.office.services_block_reports import BLOCK_REPORT
from otklik.office.services_risks import office_today
from otklik.office.views_common import attempt, found, printed_response


def block_section(request: HttpRequest, block: Block) -> dict:
    """The block page's «Отчёты блока» section (``office/_block_reports.html``)."""
    today = office_today()
    return {
        "block_reports": selectors.block_report_rows(block, today),
        "block_report_period": services.reporting_period(today)
        if can(request.user, Action.OFFICE_PREPARE, block)
        else None,
    }


@require_POST
@require_action(Action.OFFICE_PREPARE)
def block_report_prepare_view(request: HttpRequest, code: str) -> HttpResponse:
    block = found(selectors.block_get, user=request.user, code=code)
    report = attempt(
        request,
        lambda: services_block_reports.block_report_prepare(
            actor=request.user, block=block, period=request.POST.get("period", "").strip()
        ),
        "Отчёт блока подготовлен по данным; проверьте и дополните.",
    )
    if report is None:
        return redirect(reverse("office:block", args=[code]) + "#block-reports")
    return redirect("office:block_report", pk=report.pk)


@require_GET
@require_action(Action.OFFICE_VIEW)
def block_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = found(selectors.block_report_get, user=request.user, pk=pk)
    approval = approval_of(kind=BLOCK_REPORT, target_id=report.pk)
    summary = report.content.get("summary", {})
    return render(
        request,
        "office/block_report.html",
        {
            "report": report,
            "blk": report.block,
            "period_label": periods.label(report.period),
            "content": report.content,
            "projects": [
                {**p, "standing_label": ReportStanding(p["standing"]).label}
                for p in report.content.get("projects", [])
            ],
            "summary": [(s, summary.get(s.value, 0)) for s in ReportStanding],
            "panel": approval_panel(user=request.user, approval=approval),
            "may_edit": approval is not None
            and approval.is_editable
            and can(request.user, Action.OFFICE_PREPARE, report),
            "overdue": selectors.report_late(report.due, approval, office_today()),
        },
    )


@require_POST
@require_action(Action.OFFICE_PREPARE)
def block_report_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = found(selectors.block_report_get, user=request.user, pk=pk)
    reasons = [
        request.POST.get(f"cp-{i}-reason", "")
        for i, _ in enumerate(report.content.get("control_points", []))
    ]
    attempt(
        request,
        lambda: services_block_reports.block_report_update(
            actor=request.user,
            report=report,
            comment=request.POST.get("comment", ""),
            reasons=reasons,
            refresh=bool(request.POST.get("refresh")),
        ),
        "Отчёт блока сохранён.",
    )
    return redirect("office:block_report", pk=report.pk)


@require_GET
@require_action(Action.OFFICE_VIEW)
def block_report_print_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = found(selectors.block_report_get, user=request.user, pk=pk)
    approval = approval_of(kind=BLOCK_REPORT, target_id=report.pk)
    doc = printing.block_report_printed(report, approval)
    return printed_response(doc, f"block-report-{report.block.sector.code}-{report.period}", fmt)
