"""The verbs of the case page: one POST view, ``/cases/<number>/<verb>/``, dispatched through a
table of verb → (its form, the service it calls, what it says when done). The verbs are those
of the API (``CASE_VERBS``); the services decide: a refusal is shown on the case page with the
posted form, ``AccessDenied`` is the 403 page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from otklik.cases import forms
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.cases.selectors import (
    answer_template_list,
    case_answers,
    case_get,
    case_messages,
    case_pending_extension,
    case_pending_redirect,
)
from otklik.cases.services import answers, lifecycle, waiting
from otklik.cases.services.corrections import message_topic_correct
from otklik.cases.views.case_page import case_page, form_key
from otklik.cases.views.common import NUMBER_RE, back_to, case_or_404, errors_text
from otklik.core.exceptions import AccessDenied, ApplicationError, NotFound
from otklik.core.permissions import Action
from otklik.core.views import require_action

Request = HttpRequest
Data = dict[str, Any]


@dataclass(frozen=True)
class Verb:
    form: Callable[[Request, Case], django_forms.Form]  # the form over the POST
    run: Callable[[Request, Case, Data], Any]  # the service call, with the form's data
    done: Callable[[Any], str] | str  # what the page says about the result
    after: Callable[[Any], HttpResponse] | None = None  # where to go (default: back to the case)
    key: Callable[[Request], str] | None = None  # the posted form's name on the page


def _plain(request: Request, case: Case) -> django_forms.Form:
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


def _correct(request: Request, case: Case, topic: Any) -> Any:
    message = case_messages(case=case).first()
    if message is None:
        raise ApplicationError("У инцидента нет сообщений.")
    message_topic_correct(actor=request.user, message=message, topic=topic)
    return topic


def _moderated(request: Request) -> str:
    answer_id = request.POST.get("answer", "")
    return f"moderate-{answer_id}" if answer_id.isdigit() else "moderate"


def _merge(request: Request, case: Case, d: Data) -> Case:
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


def _decision(pending: Callable[..., Any], what: str, decide: Callable[..., Any], done) -> Verb:
    """A ЦУР decision on the case's pending request (redirect or extension)."""
    return Verb(
        lambda r, c: forms.DecisionForm(r.POST),
        lambda r, c, d: decide(
            request=_pending(pending, what)(c),
            actor=r.user,
            accept=d["decision"] == "accept",
            comment=d["comment"],
        ),
        done,
    )


VERBS: dict[str, Verb] = {
    "accept": Verb(
        lambda r, c: forms.AcceptForm(r.POST, user=r.user),
        lambda r, c, d: lifecycle.case_accept(
            case=c, actor=r.user, organization=d["organization"], priority=d["priority"] or None
        ),
        lambda c: f"Инцидент принят и направлен: {c.organization.short_name}.",
    ),
    "reject": Verb(
        lambda r, c: forms.ReasonForm(r.POST),
        lambda r, c, d: lifecycle.case_reject(case=c, actor=r.user, reason=d["reason"]),
        "Инцидент закрыт: ответ не требуется.",
    ),
    "assign": Verb(
        lambda r, c: forms.AssignForm(r.POST, user=r.user),
        lambda r, c, d: lifecycle.case_assign(
            case=c, actor=r.user, organization=d["organization"], co_executors=d["co_executors"]
        ),
        lambda c: f"Инцидент назначен: {c.organization.short_name}.",
    ),
    "take": Verb(
        _plain,
        lambda r, c, d: lifecycle.case_take(case=c, actor=r.user),
        "Инцидент взят в работу.",
    ),
    "answer": Verb(
        lambda r, c: forms.AnswerForm(r.POST, r.FILES, templates=answer_template_list(case=c)),
        lambda r, c, d: answers.answer_submit(
            case=c, actor=r.user, text=d["text"], intermediate=d["intermediate"], files=d["files"]
        ),
        lambda a: (
            "Промежуточный ответ отправлен на модерацию ЦУР."
            if a.is_intermediate
            else "Ответ отправлен на модерацию ЦУР."
        ),
    ),
    "approve": Verb(
        lambda r, c: forms.ModerateForm(r.POST),
        lambda r, c, d: answers.answer_approve(
            answer=_answer_of(c, d["answer"]), actor=r.user, quality_score=d["quality_score"]
        ),
        _approved,
        key=_moderated,
    ),
    "return": Verb(
        lambda r, c: forms.ModerateForm(r.POST),
        lambda r, c, d: answers.answer_return(
            answer=_answer_of(c, d["answer"]),
            actor=r.user,
            reason=d["reason"],
            quality_score=d["quality_score"],
        ),
        "Ответ возвращён на доработку.",
        key=_moderated,
    ),
    "publish": Verb(
        _plain,
        lambda r, c, d: answers.case_publish(case=c, actor=r.user),
        "Ответ отмечен опубликованным; заявителю отправлен опрос.",
    ),
    "merge": Verb(
        lambda r, c: forms.MergeForm(r.POST),
        _merge,
        lambda into: f"Инцидент объединён с {into.number}: его сообщения теперь там.",
        after=lambda into: redirect("cases:detail", number=into.number),
    ),
    "split": Verb(
        lambda r, c: forms.SplitForm(r.POST, messages=case_messages(case=c)),
        lambda r, c, d: lifecycle.case_split(
            case=c,
            messages=list(case_messages(case=c).filter(pk__in=d["messages"])),
            actor=r.user,
        ),
        lambda new: f"Выделен новый инцидент {new.number} (на модерации ЦУР).",
    ),
    "redirect": Verb(
        lambda r, c: forms.RedirectForm(r.POST, user=r.user),
        lambda r, c, d: lifecycle.redirect_request(
            case=c, actor=r.user, to_organization=d["organization"], reason=d["reason"]
        ),
        "Запрос на переадресацию отправлен в ЦУР.",
    ),
    "redirect-decision": _decision(
        case_pending_redirect,
        "переадресацию",
        lifecycle.redirect_decide,
        lambda req: (
            f"Переадресация принята, инцидент передан: {req.to_organization.short_name}."
            if req.status == "accepted"
            else "В переадресации отказано."
        ),
    ),
    "extend": Verb(
        lambda r, c: forms.ExtendForm(r.POST),
        lambda r, c, d: lifecycle.extension_request(
            case=c, actor=r.user, days=d["days"], reason=d["reason"]
        ),
        "Запрос на продление срока отправлен в ЦУР.",
    ),
    "extension-decision": _decision(
        case_pending_extension,
        "продление",
        lambda accept, **kw: lifecycle.extension_decide(approve=accept, **kw),
        lambda req: (
            f"Срок продлён на {req.days} дн."
            if req.status == "approved"
            else "В продлении отказано."
        ),
    ),
    "reopen": Verb(
        lambda r, c: forms.ReasonForm(r.POST),
        lambda r, c, d: lifecycle.case_reopen(case=c, actor=r.user, reason=d["reason"]),
        "Инцидент переоткрыт.",
    ),
    "request-info": Verb(
        lambda r, c: forms.RequestInfoForm(r.POST),
        lambda r, c, d: waiting.case_request_info(case=c, actor=r.user, question=d["question"]),
        lambda c: (
            "Вопрос отправлен заявителю; срок приостановлен до его ответа."
            if c.clock_paused_at
            else "Вопрос отправлен заявителю. Срок по этому правилу не приостанавливается."
        ),
    ),
    # the analysis panel's «Это другая тема»: the opening message (and the case, while the ЦУР
    # has not decided on it) take the topic chosen
    "correct": Verb(
        lambda r, c: forms.TopicCorrectionForm(r.POST),
        lambda r, c, d: _correct(r, c, d["topic"]),
        lambda t: f"Тема исправлена: {t.name}. Исправление учтётся при обучении.",
    ),
    "resume": Verb(
        lambda r, c: forms.ResumeForm(r.POST),
        lambda r, c, d: waiting.case_resume(case=c, actor=r.user, reason=d["reason"]),
        lambda c: (
            f"Работа возобновлена; срок ответа — {timezone.localtime(c.resolution_due):%d.%m.%Y}."
            if c.resolution_due
            else "Работа возобновлена."
        ),
    ),
}


@require_POST
@require_action(Action.CASE_VIEW)
def case_verb_view(request: HttpRequest, number: str, verb: str) -> HttpResponse:
    """Parse the verb's form, call its service, go back with a Russian message."""
    spec = VERBS.get(verb)
    if spec is None:
        raise Http404("Нет такого действия.")
    case = case_or_404(request, number)
    key = spec.key(request) if spec.key else form_key(verb)
    form = spec.form(request, case)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return case_page(request, case, bound={key: form}, status=400)
    try:
        result = spec.run(request, case, form.cleaned_data)
    except AccessDenied:
        raise  # the 403 page (require_action turns it into PermissionDenied)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        fresh = case_or_404(request, number)
        return case_page(
            request, fresh, bound={key: form}, status=409 if exc.status_code == 409 else 400
        )
    messages.success(request, spec.done(result) if callable(spec.done) else spec.done)
    return spec.after(result) if spec.after else back_to(request, case)
