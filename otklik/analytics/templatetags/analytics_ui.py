"""Links from a number to the cases behind it, and small formatting helpers."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()

KEYS = ("from", "to", "sector", "topic", "municipality", "organization", "channel")


@register.simple_tag(takes_context=True)
def drill(context, metric: str, **dims) -> str:
    """The drill-down address of ``metric`` in the page's slice, narrowed by ``dims``."""
    params = {k: v for k, v in context["slice_params"].items() if k in KEYS and v}
    for k, v in dims.items():
        if v is not None and v != "":
            params[k] = v
    params["metric"] = metric
    return f"{reverse('analytics:cases')}?{urlencode(params)}"


@register.simple_tag(takes_context=True)
def export_url(context, key: str, fmt: str, **extra) -> str:
    """The download address of the table ``key`` in the page's slice (and ``extra``: the month
    of the ratings, the metric of the drill-down)."""
    params = {k: v for k, v in context["slice_params"].items() if k in KEYS and v}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    query = urlencode(params)
    return reverse("analytics:export", args=[key, fmt]) + (f"?{query}" if query else "")


@register.inclusion_tag("analytics/_export.html", takes_context=True)
def export_links(context, key: str, **extra) -> dict:
    """«Скачать XLSX / CSV» under a table."""
    return {
        "key": key,
        "xlsx": export_url(context, key, "xlsx", **extra),
        "csv": export_url(context, key, "csv", **extra),
    }


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


@register.filter
def hours(value) -> str:
    if value is None:
        return "—"
    return f"до {value} ч" if value < 48 else f"до {round(value / 24)} дн."
