"""The queue page (named queues as tabs, the filters, the capped counts) and the ЦУР's bulk
moderation of the cases ticked in it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from otklik.cases import forms
from otklik.cases.filters import CaseFilter
from otklik.cases.selectors import QUEUES, case_get, queue_counts
from otklik.cases.services import lifecycle
from otklik.cases.views.common import NUMBER_RE, errors_text, safe_next
from otklik.core.exceptions import ApplicationError, NotFound
from otklik.core.paging import COUNT_CAP, CappedPaginator
from otklik.core.permissions import Action, Scope, can, scope_for
from otklik.core.roles import Role
from otklik.core.views import PAGE_SIZE, require_action

TAB_LABELS = {**QUEUES, "triage": "Модерация ЦУР"}
QUEUE_ORDER = ["triage", "mine", "overdue", "near_deadline", "answer_review", "open", "all"]
FILTER_KEYS = tuple(name for name in CaseFilter.base_filters if name != "queue")  # the tab
LIST_COUNT_CAP = COUNT_CAP  # counts of the queue page stop here («1000+»)


def queues_for(user: Any) -> list[str]:
    """The tabs that make sense for the role: ЦУР moderation for those who moderate (and for
    region-wide readers), «my organisation» for organisation operators."""
    region_wide = scope_for(user, Action.CASE_VIEW) is Scope.ALL
    shown = []
    for name in QUEUE_ORDER:
        if name == "triage" and not (can(user, Action.CASE_MODERATE) or region_wide):
            continue
        if name == "mine" and not getattr(user, "organization_id", None):
            continue
        if name == "answer_review" and not (can(user, Action.ANSWER_MODERATE) or region_wide):
            continue
        shown.append(name)
    return shown


def default_queue(user: Any, queues: list[str]) -> str:
    """ЦУР roles start at moderation, an organisation at its own cases, the others at all open."""
    role = getattr(user, "role", "")
    if role == Role.ORG_OPERATOR:
        wanted = "mine"
    elif role in (Role.SECTOR_LEAD, Role.MUNICIPAL_COORDINATOR):
        wanted = "open"
    else:
        wanted = "triage"
    return wanted if wanted in queues else "open"


def _count_label(n: int) -> str:
    return f"{LIST_COUNT_CAP}+" if n > LIST_COUNT_CAP else str(n)


def _query(params: dict[str, str], **changes: str | None) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v}
    return "?" + urlencode(merged) if merged else ""


@require_action(Action.CASE_VIEW)
def case_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queues = queues_for(user)
    queue = request.GET.get("queue") or ""
    if queue not in queues:
        queue = default_queue(user, queues)
    data = {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)}
    filters = CaseFilter({**data, "queue": queue}, request=request)
    paginator = CappedPaginator(filters.qs, PAGE_SIZE, cap=LIST_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    counts = queue_counts(user=user, queues=queues, cap=LIST_COUNT_CAP)
    tabs = [
        {
            "name": name,
            "label": TAB_LABELS[name],
            "count": _count_label(counts[name]),
            "active": name == queue,
            "query": _query(data, queue=name),
        }
        for name in queues
    ]
    bulk = queue == "triage" and can(user, Action.CASE_MODERATE)
    context = {
        "form": filters.form,
        "filter_error": filters.error_text(),
        "page": page,
        "queue": queue,
        "queue_label": TAB_LABELS[queue],
        "tabs": tabs,
        "filtered": any(k != "order" for k in data),
        # the «Приоритет» header sorts by priority, and back
        "by_priority": data.get("order") == "priority",
        "priority_sort": _query(
            data, queue=queue, order=None if data.get("order") == "priority" else "priority"
        ),
        "hx_target": "#case-table",
        "bulk_form": forms.BulkForm(user=user) if bulk else None,
        "next_url": request.get_full_path(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/_case_table.html" if partial else "cases/case_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


BULK_DONE = {"accept": "Принято", "reject": "Отмечено «ответ не требуется»", "assign": "Назначено"}


@require_POST
@require_action(Action.CASE_MODERATE)
def case_bulk_view(request: HttpRequest) -> HttpResponse:
    """One service call per selected case; reports what succeeded and what failed and why."""
    user = request.user
    back = safe_next(request, f"{reverse('cases:list')}?queue=triage")
    form = forms.BulkForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(back)
    d = form.cleaned_data
    action = d["action"]
    done: list[str] = []
    failed: list[tuple[str, str]] = []
    for number in dict.fromkeys(d["cases"]):
        if not NUMBER_RE.match(number):
            failed.append((number, "неверный номер инцидента"))
            continue
        try:
            case = case_get(user=user, pk=number)
            if action == "accept":
                lifecycle.case_accept(case=case, actor=user)
            elif action == "reject":
                lifecycle.case_reject(case=case, actor=user, reason=d["reason"])
            else:
                lifecycle.case_assign(case=case, actor=user, organization=d["organization"])
        except NotFound:
            failed.append((number, "инцидент не найден или вам недоступен"))
        except ApplicationError as exc:  # AccessDenied included: reported per case
            failed.append((number, exc.message))
        else:
            done.append(number)
    total = len(done) + len(failed)
    if done:
        messages.success(request, f"{BULK_DONE[action]}: {len(done)} из {total}.")
    if failed:
        messages.error(request, f"Не выполнено: {len(failed)} из {total}.")
        for number, reason in failed:
            messages.error(request, f"{number}: {reason}")
    return redirect(back)
