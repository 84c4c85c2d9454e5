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


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


@register.filter
def hours(value) -> str:
    if value is None:
        return "—"
    return f"до {value} ч" if value < 48 else f"до {round(value / 24)} дн."
