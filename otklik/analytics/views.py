"""Dashboards (from the rollups) and the drill-down to the cases behind a number."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from otklik.accounts.permissions import Action
from otklik.analytics import selectors
from otklik.analytics.forms import SliceForm
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
