"""The GeoReport v2 endpoints (thin: parse, check the key, call a selector or service, render)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from otklik.accounts.apikeys import apikey_lookup
from otklik.channels.open311 import selectors
from otklik.channels.open311.formats import FORMATS, error, respond
from otklik.channels.open311.jurisdictions import (
    Jurisdiction,
    UnknownJurisdiction,
    jurisdiction_resolve,
)
from otklik.channels.open311.services import request_submit
from otklik.core.exceptions import ApplicationError

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+03:00"  # the date this endpoint last changed its contract


class Refused(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def _format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise Refused(400, f"Формат «{fmt[:16]}» не поддерживается: json или xml.")
    return fmt


def _jurisdiction(request) -> Jurisdiction:
    value = request.POST.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
    try:
        return jurisdiction_resolve(value)
    except UnknownJurisdiction as exc:
        raise Refused(404, str(exc)) from None


def _endpoint(view):
    """Formats, spec errors: each view gets a checked ``fmt`` and may raise ``Refused``."""

    def wrapped(request, *args, fmt: str, **kwargs):
        chosen = fmt.lower() if fmt.lower() in FORMATS else "json"
        try:
            return view(request, *args, fmt=_format(fmt), **kwargs)
        except Refused as exc:
            return error(chosen, exc.code, exc.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@_endpoint
def discovery(request, *, fmt: str):
    url = request.build_absolute_uri("/open311/v2")
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "Центр управления регионом Волгоградской области",
            "key_service": "Ключ API для заявок выдаёт ЦУР: otklik apikey create --system ИМЯ",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@require_GET
@_endpoint
def service_list(request, *, fmt: str):
    _jurisdiction(request)
    return respond(fmt, "services", selectors.service_list())


@require_GET
@_endpoint
def service_definition(request, code: str, *, fmt: str):
    _jurisdiction(request)
    definition = selectors.service_definition(code)
    if definition is None:
        raise Refused(404, f"service_code «{code[:64]}» не найден.")
    return respond(fmt, "service_definition", definition)


def _datetime(request, name: str) -> dt.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise Refused(400, f"{name}: ожидается дата и время W3C, например 2026-01-01T00:00:00Z.")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _list(request, name: str) -> list[str] | None:
    values = [v.strip() for raw in request.GET.getlist(name) for v in raw.split(",")]
    return [v for v in values if v] or None


def _filters(request) -> selectors.RequestFilters:
    start, end = _datetime(request, "start_date"), _datetime(request, "end_date")
    if start and end:
        if end < start:
            raise Refused(400, "end_date раньше start_date.")
        if end - start > selectors.WINDOW:
            raise Refused(400, "Промежуток start_date..end_date не может быть больше 90 дней.")
    statuses = _list(request, "status")
    if statuses and not set(statuses) <= {"open", "closed"}:
        raise Refused(400, "status: open или closed (можно оба через запятую).")
    return selectors.RequestFilters(
        ids=_list(request, "service_request_id"),
        service_codes=_list(request, "service_code"),
        start=start,
        end=end,
        statuses=sorted(set(statuses)) if statuses else None,
    )


@csrf_exempt  # no cookies here: a POST is authorised by its api_key
@require_http_methods(["GET", "POST"])
@_endpoint
def requests(request, *, fmt: str):
    jurisdiction = _jurisdiction(request)
    if request.method == "GET":
        found = selectors.request_list(jurisdiction=jurisdiction, filters=_filters(request))
        return respond(fmt, "service_requests", found)
    key = (
        request.POST.get("api_key")
        or request.GET.get("api_key")
        or request.headers.get("X-Api-Key", "")
    ).strip()
    api_key = apikey_lookup(key) if key else None
    if api_key is None:
        raise Refused(403, "api_key не указан, неизвестен или отозван.")
    params = [
        (name, value)
        for source in (request.GET, request.POST)
        for name, values in source.lists()
        for value in values
    ]
    form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
    try:
        if form:
            submitted = request_submit(api_key=api_key, params=params)
        else:  # kept as it came, in the quarantine
            submitted = request_submit(
                api_key=api_key,
                params=params,
                body=request.body.decode("utf-8", errors="replace"),
                content_type=request.content_type or "",
            )
    except ApplicationError as exc:
        raise Refused(400, exc.message) from None
    if submitted.status == "rejected":
        raise Refused(400, f"Заявка не принята (сохранена в карантине ЦУР): {submitted.reason}")
    answer: dict = {"token": submitted.token}
    if submitted.service_request_id:
        answer["service_request_id"] = submitted.service_request_id
        answer["service_notice"] = (
            f"Заявка зарегистрирована под номером {submitted.service_request_id}."
        )
    else:
        answer["service_notice"] = (
            "Заявка принята; номер появится после регистрации: GET /tokens/{token}."
        )
    account = request.POST.get("account_id") or request.GET.get("account_id")
    if account:
        answer["account_id"] = account
    return respond(fmt, "service_requests", [answer])


@require_GET
@_endpoint
def request_detail(request, number: str, *, fmt: str):
    found = selectors.request_get(jurisdiction=_jurisdiction(request), number=number)
    if found is None:
        raise Refused(404, f"Заявка {number[:64]} не найдена.")
    return respond(fmt, "service_requests", [found])


@require_GET
@_endpoint
def token(request, token: str, *, fmt: str):
    _jurisdiction(request)
    state = selectors.token_lookup(token)
    if state is None:
        raise Refused(404, f"token {token[:100]} не найден.")
    if state.rejected:
        raise Refused(404, f"Заявка с token {token[:100]} не принята: {state.rejected}")
    item = {"token": state.token}
    if state.service_request_id:
        item = {"service_request_id": state.service_request_id, **item}
    return respond(fmt, "service_requests", [item])
