"""The operator UI of cases: the queues, the case page with the actions this user may take in
this state, bulk moderation for the ЦУР, routing rules, and the citizen's survey page.

Thin, like every view here: parse the input with a form, call a selector or one service, render
or redirect with a Russian message. A service's ``ApplicationError`` is shown on the page;
``AccessDenied`` becomes the 403 page; a case out of the user's scope is a 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from otklik.cases import forms
from otklik.cases.choices import (
    FINAL_STATES,
    TRANSITIONS,
    AnswerStatus,
    CaseStatus,
    OutboxStatus,
)
from otklik.cases.models import Case
from otklik.cases.selectors import (
    QUEUES,
    answer_attachment_get,
    answer_template_list,
    case_answers,
    case_events,
    case_get,
    case_list,
    case_messages,
    case_outbox,
    case_pauses,
    case_pending_extension,
    case_pending_redirect,
    case_surveys,
    message_attachment_get,
    queue_counts,
    routing_rule_list,
    survey_by_token,
)
from otklik.cases.services import answers, lifecycle, waiting
from otklik.cases.services.deadlines import extension_limit_days
from otklik.cases.services.routing import route_case, routing_rule_delete, routing_rule_save
from otklik.cases.templatetags.cases_ui import case_deadline, timeline
from otklik.core.exceptions import AccessDenied, ApplicationError, NotFound
from otklik.core.paging import COUNT_CAP, CappedPaginator
from otklik.core.permissions import Action, Scope, can, scope_for
from otklik.core.roles import Role
from otklik.core.views import PAGE_SIZE, require_action
from otklik.intake.selectors import AUTHOR_HIDDEN, message_author_visible
from otklik.nlp.selectors import case_analysis

# --- the queues -----------------------------------------------------------------------------
TAB_LABELS = {**QUEUES, "triage": "Модерация ЦУР"}
QUEUE_ORDER = ["triage", "mine", "overdue", "near_deadline", "answer_review", "open", "all"]
FILTER_KEYS = (
    "q",
    "sector",
    "topic",
    "municipality",
    "organization",
    "channel",
    "status",
    "priority",
)
NUMBER_RE = re.compile(r"^[0-9]{4}-[0-9]+$")


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


LIST_COUNT_CAP = COUNT_CAP  # counts of the queue page stop here («1000+»)


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
    form = forms.CaseFilterForm(data or None, user=user)
    filters = form.filters(queue)
    paginator = CappedPaginator(
        case_list(user=user, filters=filters), PAGE_SIZE, cap=LIST_COUNT_CAP
    )
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
        "form": form,
        "page": page,
        "queue": queue,
        "queue_label": TAB_LABELS[queue],
        "tabs": tabs,
        "filtered": bool(data),
        "hx_target": "#case-table",
        "bulk_form": forms.BulkForm(user=user) if bulk else None,
        "next_url": request.get_full_path(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/_case_table.html" if partial else "cases/case_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


BULK_DONE = {"accept": "Принято", "reject": "Отмечено «ответ не требуется»", "assign": "Назначено"}


@require_POST
@require_action(Action.CASE_MODERATE)
def case_bulk_view(request: HttpRequest) -> HttpResponse:
    """One service call per selected case; reports what succeeded and what failed and why."""
    user = request.user
    back = _safe_next(request, f"{reverse('cases:list')}?queue=triage")
    form = forms.BulkForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _errors_text(form))
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


# --- the case page --------------------------------------------------------------------------
def _case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return case_get(user=request.user, pk=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _in(case: Case, transition: str) -> bool:
    return case.status in TRANSITIONS[transition][0]


WORKING_STATES = (CaseStatus.ASSIGNED, CaseStatus.IN_WORK, CaseStatus.REOPENED)


def _detail(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, django_forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page; ``bound`` holds forms posted with errors (shown with what was typed)."""
    user = request.user
    bound = bound or {}
    may_moderate = can(user, Action.CASE_MODERATE, case)
    may_work = can(user, Action.CASE_WORK, case)
    may_answers = can(user, Action.ANSWER_MODERATE, case)
    case_msgs = list(case_messages(case=case))
    case_ans = list(case_answers(case=case))
    co_executors = list(case.co_executors.all())
    pending_redirect = case_pending_redirect(case=case)
    pending_extension = case_pending_extension(case=case)
    limit = extension_limit_days(case)
    working = case.status in WORKING_STATES
    available = {
        "accept": may_moderate and _in(case, "accept"),
        "reject": may_moderate and _in(case, "reject"),
        "assign": may_moderate and _in(case, "assign"),
        "take": may_work and _in(case, "take"),
        "answer": may_work and _in(case, "submit_answer") and case.organization_id is not None,
        "publish": may_answers and _in(case, "publish"),
        "merge": may_moderate and _in(case, "merge"),
        "split": may_moderate and case.status not in FINAL_STATES and len(case_msgs) >= 2,
        "redirect": may_work
        and working
        and case.organization_id is not None
        and pending_redirect is None,
        "redirect_decide": may_moderate and pending_redirect is not None,
        "extend": may_work
        and working
        and pending_extension is None
        and case.extension_days < limit,
        "extension_decide": may_moderate and pending_extension is not None,
        "reopen": may_moderate and _in(case, "reopen"),
        "request_info": may_work and _in(case, "request_info") and case.organization_id is not None,
        "resume": may_work and _in(case, "resume"),
    }

    def form(name: str, factory: Callable[[], django_forms.Form]) -> django_forms.Form | None:
        if not available.get(name):
            return None
        return bound.get(name) or factory()

    analysis = case_analysis(case=case, user=user)
    # The similar case the language pipeline found is the likely merge target.
    similar = analysis["similar"] if analysis else None
    merge_initial = {"into": similar.number} if similar is not None else {}
    routed = route_case(case) if available["accept"] or available["assign"] else None
    templates = list(answer_template_list(case=case)) if available["answer"] else []
    answer_initial: dict[str, Any] = {}
    chosen = request.GET.get("template", "")
    if available["answer"] and chosen.isdigit():
        template = next((t for t in templates if t.pk == int(chosen)), None)
        if template is not None:
            answer_initial = {
                "template": chosen,
                "text": answers.template_render(template=template, case=case),
            }
    action_forms = {
        "accept": form(
            "accept",
            lambda: forms.AcceptForm(
                user=user, initial={"organization": routed, "priority": case.priority}
            ),
        ),
        "reject": form("reject", forms.ReasonForm),
        "assign": form(
            "assign",
            lambda: forms.AssignForm(
                user=user,
                initial={
                    "organization": case.organization or routed,
                    "co_executors": co_executors,
                },
            ),
        ),
        "take": form("take", django_forms.Form),
        "answer": form(
            "answer", lambda: forms.AnswerForm(templates=templates, initial=answer_initial)
        ),
        "publish": form("publish", django_forms.Form),
        "merge": form("merge", lambda: forms.MergeForm(initial=merge_initial)),
        "split": form("split", lambda: forms.SplitForm(messages=case_msgs)),
        "redirect": form("redirect", lambda: forms.RedirectForm(user=user)),
        "redirect_decide": form("redirect_decide", forms.DecisionForm),
        "extend": form("extend", forms.ExtendForm),
        "extension_decide": form("extension_decide", forms.DecisionForm),
        "reopen": form("reopen", forms.ReasonForm),
        "request_info": form("request_info", forms.RequestInfoForm),
        "resume": form("resume", forms.ResumeForm),
    }
    answer_rows = []
    for answer in case_ans:
        moderation = None
        if may_answers and answer.status == AnswerStatus.SUBMITTED:
            moderation = bound.get(f"moderate-{answer.pk}") or forms.ModerateForm(
                initial={"answer": answer.pk}
            )
        answer_rows.append({"answer": answer, "form": moderation})
    author_visible = message_author_visible(user=user)
    own_org = getattr(user, "organization_id", None)
    # The answer form starts unfolded for the organisation that answers (or after an error).
    answer_open = "answer" in bound or (
        own_org is not None
        and (own_org == case.organization_id or own_org in {o.pk for o in co_executors})
    )
    outbox = list(case_outbox(case=case))
    context = {
        "case": case,
        "deadline": case_deadline(case),
        "co_executors": co_executors,
        "answer_open": answer_open,
        "policy_name": _policy_name(case.sla_policy),
        "case_messages": case_msgs,
        "author_visible": author_visible,
        "author_hidden": AUTHOR_HIDDEN,
        "answer_rows": answer_rows,
        "timeline": timeline(case_events(case=case)),
        "outbox": [o for o in outbox if o.kind != "notice"],
        "notices": [o for o in outbox if o.kind == "notice"],
        "outbox_pending": OutboxStatus.PENDING,
        "surveys": list(case_surveys(case=case)),
        "pauses": list(case_pauses(case=case)),
        "pending_redirect": pending_redirect,
        "pending_extension": pending_extension,
        "extension_limit": limit,
        "routed": routed,
        "forms": action_forms,
        "has_actions": any(action_forms.values()) or any(row["form"] for row in answer_rows),
        "answer_template_url": reverse("cases:answer_template", args=[case.number]),
        "analysis": analysis,
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _policy_name(code: str) -> str:
    if not code:
        return ""
    from otklik.sla.selectors import PolicyNotFound, policy_get

    try:
        return policy_get(code=code).name
    except PolicyNotFound:
        return code


@require_action(Action.CASE_VIEW)
def case_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, _case_or_404(request, number))


@require_action(Action.CASE_VIEW)
def answer_template_view(request: HttpRequest, number: str) -> HttpResponse:
    """HTMX: the answer textarea filled from the chosen template (nothing when none chosen)."""
    case = _case_or_404(request, number)
    chosen = request.GET.get("template", "")
    template = (
        answer_template_list(case=case).filter(pk=int(chosen)).first() if chosen.isdigit() else None
    )
    if template is None:
        return HttpResponse(status=204)
    form = forms.AnswerForm(initial={"text": answers.template_render(template=template, case=case)})
    return render(request, "cases/_answer_text.html", {"field": form["text"]})


@require_action(Action.CASE_VIEW)
def attachment_view(request: HttpRequest, number: str, kind: str, pk: int) -> FileResponse:
    """A stored file of the case (answer or message), only to those who see the case."""
    case = _case_or_404(request, number)
    getter = answer_attachment_get if kind == "answer" else message_attachment_get
    attachment = getter(case=case, pk=pk)
    if attachment is None or not attachment.file:
        raise Http404("Файл не найден.")
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name or None
    )


def _errors_text(form: django_forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "Проверьте форму. " + "; ".join(parts)


def _back_to(request: HttpRequest, case: Case) -> HttpResponse:
    """The case page again, or the queue if the action took the case out of the user's sight."""
    try:
        case_get(user=request.user, pk=case.pk)
    except NotFound:
        return redirect("cases:list")
    return redirect("cases:detail", number=case.number)


def _act(
    request: HttpRequest,
    number: str,
    *,
    key: str,
    make_form: Callable[[Case], django_forms.Form],
    run: Callable[[Case, dict[str, Any]], Any],
    done: Callable[[Any], str] | str,
    after: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse:
    """Parse the form, call the service, redirect back with a Russian message."""
    case = _case_or_404(request, number)
    form = make_form(case)
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return _detail(request, case, bound={key: form}, status=400)
    try:
        result = run(case, form.cleaned_data)
    except AccessDenied:
        raise  # the 403 page (require_action turns it into PermissionDenied)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        fresh = _case_or_404(request, number)
        return _detail(
            request, fresh, bound={key: form}, status=409 if exc.status_code == 409 else 400
        )
    messages.success(request, done(result) if callable(done) else done)
    return after(result) if after else _back_to(request, case)


def _verb(
    key: str,
    make_form: Callable[[HttpRequest, Case], django_forms.Form],
    run: Callable[[HttpRequest, Case, dict[str, Any]], Any],
    done: Callable[[Any], str] | str,
    after: Callable[[HttpRequest, Any], HttpResponse] | None = None,
) -> Callable:
    """A POST-only view of one verb of the case page."""

    @require_POST
    @require_action(Action.CASE_VIEW)
    def view(request: HttpRequest, number: str) -> HttpResponse:
        return _act(
            request,
            number,
            key=key,
            make_form=lambda case: make_form(request, case),
            run=lambda case, d: run(request, case, d),
            done=done,
            after=(lambda result: after(request, result)) if after else None,
        )

    view.__name__ = f"case_{key}_view"
    return view


def _plain(request: HttpRequest, case: Case) -> django_forms.Form:
    return django_forms.Form(request.POST)


def _pending(getter: Callable[..., Any], what: str) -> Callable[[Case], Any]:
    def pending(case: Case) -> Any:
        found = getter(case=case)
        if found is None:
            raise ApplicationError(f"Нет запроса на {what}, ждущего решения.")
        return found

    return pending


def _answer_of(case: Case, answer_id: int) -> Any:
    answer = case_answers(case=case).filter(pk=answer_id).first()
    if answer is None:
        raise ApplicationError("Ответ не найден.")
    return answer


def _merge(request: HttpRequest, case: Case, d: dict[str, Any]) -> Case:
    number = d["into"].strip()
    try:
        into = case_get(user=request.user, pk=number) if NUMBER_RE.match(number) else None
    except NotFound:
        into = None
    if into is None:
        raise ApplicationError(f"Инцидент {number} не найден или вам недоступен.")
    return lifecycle.case_merge(case=case, into=into, actor=request.user)


def _approved(answer: Any) -> str:
    answer.case.refresh_from_db(fields=["status"])
    if answer.case.status == CaseStatus.PUBLISHED:
        return "Ответ одобрен и опубликован; заявителю отправлен опрос."
    return "Ответ одобрен и поставлен в очередь на публикацию."


case_accept_view = _verb(
    "accept",
    lambda r, c: forms.AcceptForm(r.POST, user=r.user),
    lambda r, c, d: lifecycle.case_accept(
        case=c, actor=r.user, organization=d["organization"], priority=d["priority"] or None
    ),
    lambda c: f"Инцидент принят и направлен: {c.organization.short_name}.",
)
case_reject_view = _verb(
    "reject",
    lambda r, c: forms.ReasonForm(r.POST),
    lambda r, c, d: lifecycle.case_reject(case=c, actor=r.user, reason=d["reason"]),
    "Инцидент закрыт: ответ не требуется.",
)
case_assign_view = _verb(
    "assign",
    lambda r, c: forms.AssignForm(r.POST, user=r.user),
    lambda r, c, d: lifecycle.case_assign(
        case=c, actor=r.user, organization=d["organization"], co_executors=d["co_executors"]
    ),
    lambda c: f"Инцидент назначен: {c.organization.short_name}.",
)
case_take_view = _verb(
    "take",
    _plain,
    lambda r, c, d: lifecycle.case_take(case=c, actor=r.user),
    "Инцидент взят в работу.",
)
case_answer_view = _verb(
    "answer",
    lambda r, c: forms.AnswerForm(r.POST, r.FILES, templates=answer_template_list(case=c)),
    lambda r, c, d: answers.answer_submit(
        case=c,
        actor=r.user,
        text=d["text"],
        intermediate=d["intermediate"],
        files=d["files"],
    ),
    lambda a: (
        "Промежуточный ответ отправлен на модерацию ЦУР."
        if a.is_intermediate
        else "Ответ отправлен на модерацию ЦУР."
    ),
)


def _moderation(approve: bool) -> Callable:
    @require_POST
    @require_action(Action.CASE_VIEW)
    def view(request: HttpRequest, number: str) -> HttpResponse:
        answer_id = request.POST.get("answer", "")
        key = f"moderate-{answer_id}" if answer_id.isdigit() else "moderate"

        def run(case: Case, d: dict[str, Any]) -> Any:
            answer = _answer_of(case, d["answer"])
            if approve:
                return answers.answer_approve(
                    answer=answer, actor=request.user, quality_score=d["quality_score"]
                )
            return answers.answer_return(
                answer=answer,
                actor=request.user,
                reason=d["reason"],
                quality_score=d["quality_score"],
            )

        return _act(
            request,
            number,
            key=key,
            make_form=lambda case: forms.ModerateForm(request.POST),
            run=run,
            done=_approved if approve else "Ответ возвращён на доработку.",
        )

    view.__name__ = "answer_approve_view" if approve else "answer_return_view"
    return view


answer_approve_view = _moderation(approve=True)
answer_return_view = _moderation(approve=False)

case_publish_view = _verb(
    "publish",
    _plain,
    lambda r, c, d: answers.case_publish(case=c, actor=r.user),
    "Ответ отмечен опубликованным; заявителю отправлен опрос.",
)
case_merge_view = _verb(
    "merge",
    lambda r, c: forms.MergeForm(r.POST),
    _merge,
    lambda into: f"Инцидент объединён с {into.number}: его сообщения теперь там.",
    after=lambda r, into: redirect("cases:detail", number=into.number),
)
case_split_view = _verb(
    "split",
    lambda r, c: forms.SplitForm(r.POST, messages=case_messages(case=c)),
    lambda r, c, d: lifecycle.case_split(
        case=c, messages=list(case_messages(case=c).filter(pk__in=d["messages"])), actor=r.user
    ),
    lambda new: f"Выделен новый инцидент {new.number} (на модерации ЦУР).",
)
case_redirect_view = _verb(
    "redirect",
    lambda r, c: forms.RedirectForm(r.POST, user=r.user),
    lambda r, c, d: lifecycle.redirect_request(
        case=c, actor=r.user, to_organization=d["organization"], reason=d["reason"]
    ),
    "Запрос на переадресацию отправлен в ЦУР.",
)


def _decision(
    key: str, pending: Callable[..., Any], what: str, decide: Callable[..., Any], done: Callable
) -> Callable:
    """The view of a ЦУР decision on the case's pending request (redirect or extension)."""
    return _verb(
        key,
        lambda r, c: forms.DecisionForm(r.POST),
        lambda r, c, d: decide(
            request=_pending(pending, what)(c),
            actor=r.user,
            accept=d["decision"] == "accept",
            comment=d["comment"],
        ),
        done,
    )


case_redirect_decide_view = _decision(
    "redirect_decide",
    case_pending_redirect,
    "переадресацию",
    lifecycle.redirect_decide,
    lambda req: (
        f"Переадресация принята: инцидент передан {req.to_organization.short_name}."
        if req.status == "accepted"
        else "В переадресации отказано."
    ),
)
case_extend_view = _verb(
    "extend",
    lambda r, c: forms.ExtendForm(r.POST),
    lambda r, c, d: lifecycle.extension_request(
        case=c, actor=r.user, days=d["days"], reason=d["reason"]
    ),
    "Запрос на продление срока отправлен в ЦУР.",
)
case_extension_decide_view = _decision(
    "extension_decide",
    case_pending_extension,
    "продление",
    lambda accept, **kw: lifecycle.extension_decide(approve=accept, **kw),
    lambda req: (
        f"Срок продлён на {req.days} дн." if req.status == "approved" else "В продлении отказано."
    ),
)
case_request_info_view = _verb(
    "request_info",
    lambda r, c: forms.RequestInfoForm(r.POST),
    lambda r, c, d: waiting.case_request_info(case=c, actor=r.user, question=d["question"]),
    lambda c: (
        "Вопрос отправлен заявителю; срок приостановлен до его ответа."
        if c.clock_paused_at
        else "Вопрос отправлен заявителю. Срок по этому правилу не приостанавливается."
    ),
)
case_resume_view = _verb(
    "resume",
    lambda r, c: forms.ResumeForm(r.POST),
    lambda r, c, d: waiting.case_resume(case=c, actor=r.user, reason=d["reason"]),
    lambda c: (
        f"Работа возобновлена; срок ответа — {timezone.localtime(c.resolution_due):%d.%m.%Y}."
        if c.resolution_due
        else "Работа возобновлена."
    ),
)
case_reopen_view = _verb(
    "reopen",
    lambda r, c: forms.ReasonForm(r.POST),
    lambda r, c, d: lifecycle.case_reopen(case=c, actor=r.user, reason=d["reason"]),
    "Инцидент переоткрыт.",
)


# --- routing rules --------------------------------------------------------------------------
def _save_rule(request: HttpRequest, form: forms.RoutingRuleForm, rule: Any = None) -> bool:
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return False
    try:
        routing_rule_save(actor=request.user, rule=rule, **form.rule_fields())
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    return True


@require_action(Action.CASE_VIEW)
def routing_view(request: HttpRequest) -> HttpResponse:
    """The rules in the order they are evaluated; the ЦУР adds rules here."""
    user = request.user
    can_edit = can(user, Action.ROUTING_EDIT)
    form = forms.RoutingRuleForm(user=user) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Недостаточно прав: «Правила маршрутизации и шаблоны ответов».")
        form = forms.RoutingRuleForm(request.POST, user=user)
        if _save_rule(request, form):
            messages.success(request, "Правило добавлено.")
            return redirect("cases:routing")
        status = 400
    rules = list(routing_rule_list(user=user))
    return render(
        request,
        "cases/routing.html",
        {"rules": rules, "form": form, "can_edit": can_edit},
        status=status,
    )


def _rule_or_404(request: HttpRequest, pk: int) -> Any:
    rule = routing_rule_list(user=request.user).filter(pk=pk).first()
    if rule is None:
        raise Http404("Правило не найдено.")
    return rule


@require_action(Action.ROUTING_EDIT)
def routing_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    status = 200
    if request.method == "POST":
        form = forms.RoutingRuleForm(request.POST, user=request.user)
        if _save_rule(request, form, rule):
            messages.success(request, "Правило сохранено.")
            return redirect("cases:routing")
        status = 400
    else:
        form = forms.RoutingRuleForm(
            user=request.user, initial=forms.RoutingRuleForm.initial_for(rule)
        )
    return render(request, "cases/routing_edit.html", {"rule": rule, "form": form}, status=status)


@require_POST
@require_action(Action.ROUTING_EDIT)
def routing_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    name = str(rule)
    routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, f"Правило «{name}» удалено.")
    return redirect("cases:routing")


# --- the citizen's survey (no login) ------------------------------------------------------
def survey_view(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_token(token=token)
    if survey is None:
        return render(request, "cases/survey_invalid.html", status=404)
    if survey.responded_at is not None:
        return render(request, "cases/survey_thanks.html", {"survey": survey, "already": True})
    form = forms.SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                answers.survey_respond(
                    token=token, solved=d["solved"], rating=d["rating"], comment=d["comment"]
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("cases:survey_thanks", token=token)
        status = 400
    return render(request, "cases/survey.html", {"survey": survey, "form": form}, status=status)


def survey_thanks_view(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_token(token=token)
    if survey is None:
        return render(request, "cases/survey_invalid.html", status=404)
    if survey.responded_at is None:
        return redirect("cases:survey", token=token)
    return render(request, "cases/survey_thanks.html", {"survey": survey, "already": False})
