"""Dashboards (from the rollups) and the drill-down to the cases behind a number."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.analytics import exports, selectors
from otklik.analytics.forms import SliceForm
from otklik.core import permissions
from otklik.core.exceptions import ApplicationError
from otklik.core.paging import COUNT_CAP, CappedPaginator
from otklik.core.permissions import Action, can
from otklik.core.views import access_denied_as_403, require_action

PAGES = {
    "picture": ("Картина обращений", selectors.picture),
    "processing": ("Обработка", selectors.processing),
    "satisfaction": ("Удовлетворённость", selectors.satisfaction),
    "conflicts": ("Конфликты", selectors.conflicts),
}


def _slice(request: HttpRequest, query=None) -> tuple[SliceForm, selectors.Slice, dict]:
    """The slice of the request's GET (or of ``query``, a posted form)."""
    query = request.GET if query is None else query
    form = SliceForm(query or None)
    data = form.cleaned_data if form.is_valid() else SliceForm({}).cleaned_data_or_default()
    s = selectors.Slice(
        period=selectors.Period(data["date_from"], data["date_to"]),
        sector=data["sector"].pk if data.get("sector") else None,
        municipality=data["municipality"].pk if data.get("municipality") else None,
        organization=data["organization"].pk if data.get("organization") else None,
        topic=_int(query.get("topic")),
        channel=_int(query.get("channel")),
    )
    params = {
        "from": data["date_from"].isoformat(),
        "to": data["date_to"].isoformat(),
        # the form reads these by code (SliceForm's to_field_name), so links carry codes
        "sector": data["sector"].code if data.get("sector") else "",
        "municipality": data["municipality"].okato if data.get("municipality") else "",
        "organization": data["organization"].code if data.get("organization") else "",
        "topic": s.topic or "",
        "channel": s.channel or "",
    }
    return form, s, params


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _page(name: str):
    title, selector = PAGES[name]

    @require_GET
    @require_action(Action.ANALYTICS_VIEW)
    @access_denied_as_403
    def view(request: HttpRequest) -> HttpResponse:
        form, s, params = _slice(request)
        return render(
            request,
            f"analytics/{name}.html",
            {
                "title": title,
                "page": name,
                "pages": [(k, v[0]) for k, v in PAGES.items()],
                "form": form,
                "slice": s,
                "slice_params": params,
                "data": selector(user=request.user, s=s),
                "may_export": can(request.user, Action.ANALYTICS_EXPORT),
            },
        )

    view.__name__ = f"{name}_view"
    return view


picture_view = _page("picture")
processing_view = _page("processing")
satisfaction_view = _page("satisfaction")
conflicts_view = _page("conflicts")


DRILL_COUNT_CAP = COUNT_CAP  # the drill-down page counts its cases up to here («более 1000»)


@require_GET
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def cases_view(request: HttpRequest) -> HttpResponse:
    form, s, params = _slice(request)
    metric = request.GET.get("metric", "cases_opened")
    if metric not in selectors.DRILL:
        metric = "cases_opened"
    qs = selectors.drill_cases(user=request.user, s=s, metric=metric)
    # counted up to the cap: the number clicked is on the dashboard, the page lists its cases
    paginator = CappedPaginator(
        qs, 50, cap=DRILL_COUNT_CAP, budget_ms=selectors.DRILL_COUNT_BUDGET_MS
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/cases.html",
        {
            "title": selectors.DRILL[metric],
            "metric": metric,
            "event_label": selectors.DRILL_AT.get(metric, (None, ""))[1],
            "form": form,
            "slice": s,
            "slice_params": params,
            "page_obj": page,
            "pages": [(k, v[0]) for k, v in PAGES.items()],
            "may_make_problem": permissions.can(request.user, Action.PROBLEM_MANAGE),
        },
    )


# --------------------------------------------------------------------------- exports
def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def export_view(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One table of a page as XLSX or CSV, in the page's slice."""
    if key not in exports.KEYS or fmt not in exports.FORMATS:
        raise Http404
    _, s, _ = _slice(request)
    period = selectors.month(request.GET.get("month"))
    try:
        table = exports.table_get(
            user=request.user, key=key, s=s, period=period, metric=request.GET.get("metric", "")
        )
    except KeyError as exc:
        raise Http404 from exc
    span = (
        f"{period.start:%Y-%m}"
        if key in exports.RATING_KEYS
        else f"{s.period.start:%Y%m%d}-{s.period.end:%Y%m%d}"
    )
    return _attachment(
        exports.render(table, fmt), exports.FORMATS[fmt], f"otklik-{key}-{span}.{fmt}"
    )


@require_GET
@require_action(Action.ANALYTICS_EXPORT)
@access_denied_as_403
def report_view(request: HttpRequest) -> HttpResponse:
    """The monthly report (PDF) and the package of materials on request (ZIP)."""
    period = selectors.month(request.GET.get("month"))
    form, s, params = _slice(request)
    if not request.GET.get("from") and not request.GET.get("date_from"):
        s = selectors.Slice(period=period)
        params = {**params, "from": period.start.isoformat(), "to": period.end.isoformat()}
    return render(
        request,
        "analytics/report.html",
        {
            "title": "Отчёт и пакет материалов",
            "page": "report",
            "pages": [(k, v[0]) for k, v in PAGES.items()],
            "form": form,
            "slice": s,
            "slice_params": params,
            "month": f"{period.start:%Y-%m}",
            "period": period,
        },
    )


@require_GET
@require_action(Action.ANALYTICS_EXPORT)
@access_denied_as_403
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    from otklik.analytics.report import monthly_report

    period = selectors.month(request.GET.get("month"))
    try:
        content = monthly_report(user=request.user, period=period)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('analytics:report')}?month={period.start:%Y-%m}")
    return _attachment(content, "application/pdf", f"otklik-report-{period.start:%Y-%m}.pdf")


@require_POST
@require_action(Action.ANALYTICS_EXPORT)
@access_denied_as_403
def package_view(request: HttpRequest) -> HttpResponse:
    from otklik.analytics.services import package_issue

    _, s, _ = _slice(request, request.POST)
    period = selectors.month(request.POST.get("month"))
    recipient = request.POST.get("recipient", "").strip()[:200]
    try:
        content = package_issue(actor=request.user, s=s, period=period, recipient=recipient)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('analytics:report')}?month={period.start:%Y-%m}")
    return _attachment(
        content,
        "application/zip",
        f"otklik-package-{s.period.start:%Y%m%d}-{s.period.end:%Y%m%d}.zip",
    )


# --------------------------------------------------------------------------- ratings
@require_GET
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def ratings_view(request: HttpRequest) -> HttpResponse:
    period = selectors.month(request.GET.get("month"))
    board = selectors.rating_board(user=request.user, period=period)
    return render(
        request,
        "analytics/ratings.html",
        {
            "title": "Рейтинги",
            "page": "ratings",
            "pages": [(k, v[0]) for k, v in PAGES.items()],
            "period": period,
            "month": f"{period.start:%Y-%m}",
            "board": board,
            "may_manage": can(request.user, Action.RATING_MANAGE),
            "may_export": can(request.user, Action.ANALYTICS_EXPORT),
            "slice_params": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        },
    )


@require_POST
@require_action(Action.RATING_MANAGE)
@access_denied_as_403
def rating_publish_view(request: HttpRequest) -> HttpResponse:
    from otklik.analytics.services import rating_publish

    period = selectors.month(request.POST.get("month"))
    try:
        rating_publish(actor=request.user, period=period)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Рейтинг за {period.start:%m.%Y} опубликован и заморожен.")
    return redirect(f"{reverse('analytics:ratings')}?month={period.start:%Y-%m}")


@require_http_methods(["GET", "POST"])
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def methodology_view(request: HttpRequest) -> HttpResponse:
    from otklik.analytics.forms import MethodologyForm
    from otklik.analytics.models import RatingMethodology
    from otklik.analytics.ratings import parameter_rows
    from otklik.analytics.services import methodology_save
    from otklik.core.permissions import can

    current = selectors.active_methodology()
    may_manage = can(request.user, Action.RATING_MANAGE)
    form = None
    if may_manage:
        form = MethodologyForm(request.POST or None, current=current)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                method = methodology_save(
                    actor=request.user,
                    weights={k: d[k] for k in ("quantity", "speed", "quality", "completeness")},
                    min_cases=d["min_cases"],
                    note=d["note"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Действует версия методики {method.version}.")
                return redirect("analytics:methodology")
    elif request.method == "POST":
        return HttpResponse(status=403)
    return render(
        request,
        "analytics/methodology.html",
        {
            "current": current,
            "parameters": parameter_rows(current.parameters) if current else [],
            "versions": RatingMethodology.objects.all()[:20],
            "form": form,
        },
    )


# --------------------------------------------------------------------------- alerts
@require_GET
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def alerts_view(request: HttpRequest) -> HttpResponse:
    """Emerging-problem alerts: confirm (a problem opens in the registry) or dismiss."""
    from otklik.analytics.models import AlertStatus

    status = request.GET.get("status", AlertStatus.NEW)
    if status not in AlertStatus.values and status != "all":
        status = AlertStatus.NEW
    qs = selectors.alert_list(user=request.user, status=None if status == "all" else status)
    return render(
        request,
        "analytics/alerts.html",
        {
            "title": "Сигналы о новых проблемах",
            "page": "alerts",
            "pages": [(k, v[0]) for k, v in PAGES.items()],
            "page_obj": Paginator(qs, 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": [("all", "все"), *AlertStatus.choices],
            "may_decide": permissions.can(request.user, Action.CASE_MODERATE),
            "slice_params": {},
        },
    )
