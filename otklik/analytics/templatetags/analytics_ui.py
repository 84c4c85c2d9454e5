"""Links from a number to the cases behind it, and small formatting helpers."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from otklik.analytics import measures

register = template.Library()

KEYS = ("from", "to", "sector", "topic", "municipality", "organization", "channel")
# dimensions the slice form reads by code, not by id: (model, code field)
BY_CODE = {
    "sector": ("directory.Sector", "code"),
    "municipality": ("directory.Municipality", "okato"),
    "organization": ("directory.Organization", "code"),
}


def _code(context, dim: str, value):
    """The code of a row's dimension given by id (one look-up per kind and page)."""
    if dim not in BY_CODE or not isinstance(value, int):
        return value
    from django.apps import apps

    cache = context.render_context.setdefault("analytics_codes", {})
    if dim not in cache:
        label, field = BY_CODE[dim]
        cache[dim] = dict(apps.get_model(label).objects.values_list("pk", field))
    return cache[dim].get(value, value)


@register.simple_tag(takes_context=True)
def drill(context, metric: str, **dims) -> str:
    """The drill-down address of ``metric`` in the page's slice, narrowed by ``dims`` (ids or
    codes)."""
    params = {k: v for k, v in context["slice_params"].items() if k in KEYS and v}
    for k, v in dims.items():
        if v is not None and v != "":
            params[k] = _code(context, k, v)
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


@register.inclusion_tag("analytics/_bar.html")
def bar(value, largest, label: str = "") -> dict:
    """A bar of ``value`` against the ``largest`` of its table (the largest fills its track),
    with ``label`` beside it; a value above zero keeps a visible minimum (CSS ``.bar``)."""
    value, largest = value or 0, largest or 0
    width = 100 * value / largest if value > 0 and largest > 0 else 0
    # a string: a float in a template is localised («33,3»), which CSS does not read
    return {"width": f"{width:.1f}", "zero": width == 0, "label": label or value}


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


@register.filter
def hours(value) -> str:
    """A median duration: «5,5 ч», «5,2 дн.» (``measures.duration_text``)."""
    return measures.duration_text(value)


@register.simple_tag
def definition(code: str) -> str:
    """The definition of a measure (``measures.MEASURES``): the ``title`` of its header."""
    return measures.definition(code)


@register.simple_tag
def label(code: str) -> str:
    return measures.label(code)
