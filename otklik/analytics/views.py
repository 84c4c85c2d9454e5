"""Dashboards (from the rollups) and the drill-down to the cases behind a number."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.accounts.permissions import Action
from otklik.analytics import selectors
from otklik.analytics.forms import SliceForm
from otklik.core.exceptions import ApplicationError
from otklik.core.views import access_denied_as_403, require_action

PAGES = {
    "picture": ("Картина обращений", selectors.picture),
    "processing": ("Обработка", selectors.processing),
    "satisfaction": ("Удовлетворённость", selectors.satisfaction),
    "conflicts": ("Конфликты", selectors.conflicts),
}


def _slice(request: HttpRequest) -> tuple[SliceForm, selectors.Slice, dict]:
    form = SliceForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else SliceForm({}).cleaned_data_or_default()
    s = selectors.Slice(
        period=selectors.Period(data["date_from"], data["date_to"]),
        sector=data["sector"].pk if data.get("sector") else None,
        municipality=data["municipality"].pk if data.get("municipality") else None,
        organization=data["organization"].pk if data.get("organization") else None,
        topic=_int(request.GET.get("topic")),
        channel=_int(request.GET.get("channel")),
    )
    params = {
        "from": data["date_from"].isoformat(),
        "to": data["date_to"].isoformat(),
        "sector": s.sector or "",
        "municipality": s.municipality or "",
        "organization": s.organization or "",
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
            },
        )

    view.__name__ = f"{name}_view"
    return view


picture_view = _page("picture")
processing_view = _page("processing")
satisfaction_view = _page("satisfaction")
conflicts_view = _page("conflicts")


@require_GET
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def cases_view(request: HttpRequest) -> HttpResponse:
    form, s, params = _slice(request)
    metric = request.GET.get("metric", "cases_opened")
    if metric not in selectors.DRILL:
        metric = "cases_opened"
    qs = selectors.drill_cases(user=request.user, s=s, metric=metric)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/cases.html",
        {
            "title": selectors.DRILL[metric],
            "metric": metric,
            "form": form,
            "slice": s,
            "slice_params": params,
            "page_obj": page,
            "pages": [(k, v[0]) for k, v in PAGES.items()],
        },
    )


# --------------------------------------------------------------------------- ratings
@require_GET
@require_action(Action.ANALYTICS_VIEW)
@access_denied_as_403
def ratings_view(request: HttpRequest) -> HttpResponse:
    from otklik.accounts.permissions import can

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
    from otklik.accounts.permissions import can
    from otklik.analytics.forms import MethodologyForm
    from otklik.analytics.models import RatingMethodology
    from otklik.analytics.services import methodology_save

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
            "versions": RatingMethodology.objects.all()[:20],
            "form": form,
        },
    )
