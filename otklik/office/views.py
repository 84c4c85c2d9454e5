"""The project office's pages: thin — parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.approvals.choices import ApprovalState
from otklik.approvals.selectors import (
    approval_inbox,
    approval_of,
    approval_overdue,
    approval_panel,
)
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.permissions import Action, can
from otklik.core.views import attempt, require_action
from otklik.directory.calendar import calendar_from_db
from otklik.office import (
    forms,
    passport,
    periods,
    printing,
    selectors,
    services,
    views_block_reports,
    views_groups,
    views_risks,
    views_roadmap,
)
from otklik.office.choices import PROJECT_TRANSITIONS, IndicatorState, PlanStatus, ProjectState
from otklik.office.models import Indicator, PassportVersion, ProgressReport
from otklik.office.views_common import printed_response

CHART_MONTHS = 12  # the plan/fact charts of the boards: the last 12 months, then targets ahead


def _today():
    return calendar_from_db().local_date(timezone.now())


def _current_month() -> str:
    return periods.previous_month(_today())


def _period(request: HttpRequest) -> str:
    """The period asked for (``?period=``), else the month just ended."""
    period = request.GET.get("period") or _current_month()
    try:
        periods.bounds(period)
    except ApplicationError:
        return _current_month()
    return period


@require_GET
@require_action(Action.OFFICE_VIEW)
def home_view(request: HttpRequest) -> HttpResponse:
    """«Проектный офис»: the blocks, what waits for me, what is overdue, red indicators."""
    today = _today()
    period = _period(request)
    blocks = selectors.block_list(user=request.user)
    counts = selectors.project_counts(user=request.user)
    whole = list(selectors.indicator_list(user=request.user, whole=True))
    board = selectors.indicator_board(whole, period, chart=CHART_MONTHS)
    return render(
        request,
        "office/home.html",
        {
            "blocks": [(b, counts.get(b.sector_id, {})) for b in blocks],
            "waiting": approval_inbox(user=request.user).count(),
            "overdue": list(approval_overdue(user=request.user, today=today)[:20]),
            "reports_late": list(selectors.reports_due(user=request.user, today=today)[:20]),
            "board": board,
            "red": [r for r in board if r["status"] == PlanStatus.LAG],
            "period": period,
            "period_label": periods.label(period),
            **views_roadmap.home_section(request),
        },
    )


@require_GET
@require_action(Action.OFFICE_VIEW)
def block_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        block = selectors.block_get(user=request.user, code=code)
    except NotFound as exc:
        raise Http404 from exc
    period = _period(request)
    indicators = list(selectors.indicator_list(user=request.user, sector=block.sector))
    board = selectors.indicator_board(indicators, period, chart=CHART_MONTHS)
    projects = selectors.block_projects(user=request.user, block=block)
    today = _today()
    return render(
        request,
        "office/block.html",
        {
            "blk": block,  # not "block": the {% block %} tag sets that name
            "board": board,
            "projects": projects,
            "reports_late": [
                r
                for r in selectors.reports_due(user=request.user, today=today)
                if r.project.sector_id == block.sector_id
            ],
            "period": period,
            "period_label": periods.label(period),
            "may_prepare": can(request.user, Action.OFFICE_PREPARE, block),
            "form": forms.PassportForm(),
            **views_groups.block_section(request, block),
            **views_block_reports.block_section(request, block),
        },
    )


@require_POST
@require_action(Action.OFFICE_PREPARE)
def project_create_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        block = selectors.block_get(user=request.user, code=code)
    except NotFound as exc:
        raise Http404 from exc
    form = forms.PassportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Проверьте поля паспорта.")
        return redirect("office:block", code=code)
    project = attempt(
        request,
        lambda: services.project_create(
            actor=request.user,
            sector=block.sector,
            name=form.cleaned_data["name"],
            texts=form.texts(),
        ),
        "Проект создан, паспорт — черновик.",
    )
    if project is None:
        return redirect("office:block", code=code)
    return redirect("office:project", pk=project.pk)


def _project(request: HttpRequest, pk: int):
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@require_GET
@require_action(Action.OFFICE_VIEW)
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    versions = selectors.passport_versions(project)
    in_force = selectors.passport_in_force(project)
    latest = versions[-1] if versions else None
    may_prepare = can(request.user, Action.OFFICE_PREPARE, project)
    shown = in_force or (latest.version if latest else None)
    timeline = (
        selectors.timeline(
            shown.content,
            timezone.localdate(project.created_at),
            selectors.points_reached(project),
        )
        if shown
        else []
    )
    return render(
        request,
        "office/project.html",
        {
            "project": project,
            "versions": versions,
            "in_force": in_force,
            "shown": shown,
            "lines": passport.lines(shown.content) if shown else [],
            "timeline": timeline,
            "timeline_json": [{k: v for k, v in b.items() if k != "date"} for b in timeline],
            "reports": selectors.report_rows(project),
            "may_prepare": may_prepare,
            "may_change": may_prepare
            and latest is not None
            and latest.approval is not None
            and latest.approval.state == ApprovalState.APPROVED
            and project.state not in (ProjectState.COMPLETED, ProjectState.STOPPED),
            "state_form": forms.StateForm(
                choices=[
                    (s, ProjectState(s).label)
                    for s in sorted(PROJECT_TRANSITIONS.get(project.state, ()))
                ]
            )
            if may_prepare and project.state in PROJECT_TRANSITIONS
            else None,
            "report_form": forms.ReportPrepareForm(initial={"period": _current_month()})
            if may_prepare and project.state in (ProjectState.APPROVED, ProjectState.IN_PROGRESS)
            else None,
            **views_risks.project_section(request, project),
            **views_roadmap.project_section(request, project),
        },
    )


@require_POST
@require_action(Action.OFFICE_PREPARE)
def project_verb_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    project = _project(request, pk)
    if verb == "state":
        attempt(
            request,
            lambda: services.project_state_set(
                actor=request.user,
                project=project,
                state=request.POST.get("state", ""),
                reason=request.POST.get("reason", ""),
            ),
            "Состояние проекта изменено.",
        )
    elif verb == "report":
        period = request.POST.get("period", "")
        report = attempt(
            request,
            lambda: services.report_prepare(actor=request.user, project=project, period=period),
            "Отчёт подготовлен по данным; проверьте и дополните.",
        )
        if report is not None:
            return redirect("office:report", pk=report.pk)
    else:
        raise Http404
    return redirect("office:project", pk=project.pk)


def _version(request: HttpRequest, pk: int) -> PassportVersion:
    version = PassportVersion.objects.select_related("project").filter(pk=pk).first()
    if version is None:
        raise Http404
    _project(request, version.project_id)  # visible?
    return version


@require_GET
@require_action(Action.OFFICE_VIEW)
def passport_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A version of a passport with its route, and what it changes against the one before."""
    version = _version(request, pk)
    approval = approval_of(kind=services.PASSPORT, target_id=version.pk)
    before = version.project.versions.filter(number__lt=version.number).order_by("-number").first()
    return render(
        request,
        "office/passport.html",
        {
            "version": version,
            "project": version.project,
            "lines": passport.lines(version.content),
            "before": before,
            "diff": passport.diff(before.content, version.content) if before else [],
            "panel": approval_panel(user=request.user, approval=approval),
            "may_edit": approval is not None
            and approval.is_editable
            and can(request.user, Action.OFFICE_PREPARE, version.project),
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_PREPARE)
def passport_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    first = version.number == 1
    initial = {**passport.content_to_text(version.content), "name": version.project.name}
    form = forms.PassportForm(request.POST or None, initial=initial, with_name=first)
    if form.is_bound and form.is_valid():
        saved = attempt(
            request,
            lambda: services.passport_update(
                actor=request.user,
                version=version,
                texts=form.texts(),
                name=form.cleaned_data.get("name"),
            ),
            "Паспорт сохранён.",
        )
        if saved is not None:
            return redirect("office:passport", pk=version.pk)
    return render(
        request,
        "office/passport_form.html",
        {"form": form, "project": version.project, "version": version, "title": "Паспорт"},
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_PREPARE)
def change_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    in_force = selectors.passport_in_force(project)
    if in_force is None:
        raise Http404
    form = forms.PassportForm(
        request.POST or None,
        initial=passport.content_to_text(in_force.content),
        with_name=False,
        with_reason=True,
    )
    if form.is_bound and form.is_valid():
        version = attempt(
            request,
            lambda: services.passport_change_request(
                actor=request.user,
                project=project,
                reason=form.cleaned_data["reason"],
                texts=form.texts(),
            ),
            "Новая версия подготовлена: направьте её на согласование.",
        )
        if version is not None:
            return redirect("office:passport", pk=version.pk)
    return render(
        request,
        "office/passport_form.html",
        {
            "form": form,
            "project": project,
            "version": None,
            "title": f"Запрос на изменение паспорта (к версии {in_force.number})",
        },
    )


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    try:
        return selectors.report_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@require_GET
@require_action(Action.OFFICE_VIEW)
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    approval = approval_of(kind=services.REPORT, target_id=report.pk)
    return render(
        request,
        "office/report.html",
        {
            "report": report,
            "project": report.project,
            "period_label": periods.label(report.period),
            "content": report.content,
            "panel": approval_panel(user=request.user, approval=approval),
            "may_edit": approval is not None
            and approval.is_editable
            and can(request.user, Action.OFFICE_PREPARE, report.project),
            "overdue": selectors.report_late(report.due, approval, _today()),
            **views_risks.report_section(request, report),
        },
    )


def _reached(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@require_POST
@require_action(Action.OFFICE_PREPARE)
def report_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    points = [
        {
            "reached": _reached(request.POST.get(f"cp-{i}-reached", "")),
            "reason": request.POST.get(f"cp-{i}-reason", ""),
            "new_date": request.POST.get(f"cp-{i}-new_date", ""),
        }
        for i, _ in enumerate(report.content.get("control_points", []))
    ]
    attempt(
        request,
        lambda: services.report_update(
            actor=request.user,
            report=report,
            comment=request.POST.get("comment", ""),
            risks=request.POST.get("risks", ""),
            points=points,
            refresh=bool(request.POST.get("refresh")),
        ),
        "Отчёт сохранён.",
    )
    return redirect("office:report", pk=report.pk)


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def indicators_view(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    may_manage = can(request.user, Action.INDICATOR_MANAGE)
    form = forms.IndicatorProposeForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            proposed = attempt(
                request,
                lambda: services.indicator_propose(
                    actor=request.user,
                    code=d["code"],
                    name=d["name"],
                    unit=d["unit"],
                    direction=d["direction"],
                    method=d["method"],
                    sector=d["sector"],
                    measure=d["measure"],
                    base_value=d["base_value"],
                ),
                "Показатель предложен и направлен на утверждение.",
            )
            if proposed is not None:
                return redirect("office:indicators")
    indicators = list(selectors.indicator_list(user=request.user))
    approvals = selectors.approvals_by_target(services.INDICATOR, [i.pk for i in indicators])
    return render(
        request,
        "office/indicators.html",
        {
            "board": selectors.indicator_board(indicators, period, chart=CHART_MONTHS),
            "period": period,
            "period_label": periods.label(period),
            "form": form,
            "fact_form": forms.FactForm(initial={"period": period}) if may_manage else None,
            "proposals": [
                (ind, approval_panel(user=request.user, approval=approvals.get(ind.pk)))
                for ind in indicators
                if ind.state == IndicatorState.PROPOSED
            ],
        },
    )


@require_POST
@require_action(Action.INDICATOR_MANAGE)
def indicator_fact_view(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    form = forms.FactForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите период, значение и подтверждение.")
    else:
        d = form.cleaned_data
        attempt(
            request,
            lambda: services.indicator_fact_enter(
                actor=request.user,
                indicator=indicator,
                period=d["period"],
                value=d["value"],
                evidence=d["evidence"],
            ),
            "Значение внесено.",
        )
    return redirect(f"{reverse('office:indicators')}?period={form.data.get('period', '')}")


@require_GET
@require_action(Action.OFFICE_VIEW)
def passport_print_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The passport in the usual printed form (PDF or DOCX) with its approval sheet."""
    version = _version(request, pk)
    approval = approval_of(kind=services.PASSPORT, target_id=version.pk)
    doc = printing.passport_printed(version, approval)
    return printed_response(doc, f"passport-{version.project_id}-v{version.number}", fmt)


@require_GET
@require_action(Action.OFFICE_VIEW)
def report_print_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _report(request, pk)
    approval = approval_of(kind=services.REPORT, target_id=report.pk)
    doc = printing.report_printed(report, approval)
    return printed_response(doc, f"report-{report.project_id}-{report.period}", fmt)
