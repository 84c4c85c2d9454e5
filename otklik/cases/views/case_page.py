"""The case page: the case, its messages, answers, timeline and deliveries, and a form for each
verb the user may take on it now (``case_actions``); the answer template and the stored files
of the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from otklik.cases import forms
from otklik.cases.choices import AnswerStatus, OutboxStatus
from otklik.cases.models import Case
from otklik.cases.selectors import (
    answer_attachment_get,
    answer_template_list,
    case_actions,
    case_answers,
    case_events,
    case_messages,
    case_outbox,
    case_pauses,
    case_surveys,
    message_attachment_get,
)
from otklik.cases.services import answers
from otklik.cases.services.routing import route_case
from otklik.cases.templatetags.cases_ui import case_deadline, timeline
from otklik.cases.views.common import case_or_404
from otklik.core.applicant import ApplicantField, applicant_fields
from otklik.core.permissions import Action, can
from otklik.core.views import require_action
from otklik.intake.selectors import applicant_shown
from otklik.nlp.selectors import case_analysis


def form_key(verb: str) -> str:
    """The name of a verb's form on the page (``redirect-decision`` → ``redirect_decision``)."""
    return verb.replace("-", "_")


def case_page(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, django_forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page; ``bound`` holds forms posted with errors (shown with what was typed)."""
    user = request.user
    bound = bound or {}
    actions = case_actions(user=user, case=case)
    may_answers = can(user, Action.ANSWER_MODERATE, case)
    case_msgs = list(case_messages(case=case))
    case_ans = list(case_answers(case=case))
    co_executors = list(case.co_executors.all())

    analysis = case_analysis(case=case, user=user)
    # The similar case the language pipeline found is the likely merge target.
    similar = analysis["similar"] if analysis else None
    merge_initial = {"into": similar.number} if similar is not None else {}
    routed = route_case(case) if "accept" in actions or "assign" in actions else None
    templates = list(answer_template_list(case=case)) if "answer" in actions else []
    answer_initial: dict[str, Any] = {}
    chosen = request.GET.get("template", "")
    if "answer" in actions and chosen.isdigit():
        template = next((t for t in templates if t.pk == int(chosen)), None)
        if template is not None:
            answer_initial = {
                "template": chosen,
                "text": answers.template_render(template=template, case=case),
            }
    # the empty form of each verb that has one on the page (answers are moderated per answer)
    blank: dict[str, Callable[[], django_forms.Form]] = {
        "accept": lambda: forms.AcceptForm(
            user=user, initial={"organization": routed, "priority": case.priority}
        ),
        "reject": forms.ReasonForm,
        "assign": lambda: forms.AssignForm(
            user=user,
            initial={"organization": case.organization or routed, "co_executors": co_executors},
        ),
        "take": django_forms.Form,
        "answer": lambda: forms.AnswerForm(templates=templates, initial=answer_initial),
        "publish": django_forms.Form,
        "merge": lambda: forms.MergeForm(initial=merge_initial),
        "split": lambda: forms.SplitForm(messages=case_msgs),
        "redirect": lambda: forms.RedirectForm(user=user),
        "redirect-decision": forms.DecisionForm,
        "extend": forms.ExtendForm,
        "extension-decision": forms.DecisionForm,
        "reopen": forms.ReasonForm,
        "request-info": forms.RequestInfoForm,
        "resume": forms.ResumeForm,
    }
    action_forms = {
        form_key(verb): (bound.get(form_key(verb)) or make()) if verb in actions else None
        for verb, make in blank.items()
    }
    answer_rows = []
    for answer in case_ans:
        moderation = None
        if may_answers and answer.status == AnswerStatus.SUBMITTED:
            moderation = bound.get(f"moderate-{answer.pk}") or forms.ModerateForm(
                initial={"answer": answer.pk}
            )
        answer_rows.append({"answer": answer, "form": moderation})
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
        "message_rows": [
            {"message": m, "applicant": applicant_shown(user=user, contact=m.author)}
            for m in case_msgs
        ],
        "answer_rows": answer_rows,
        "answer_by_post": answer_by_post(user=user, case=case),
        "timeline": timeline(case_events(case=case)),
        "outbox": [o for o in outbox if o.kind != "notice"],
        "notices": [o for o in outbox if o.kind == "notice"],
        "outbox_pending": OutboxStatus.PENDING,
        "surveys": list(case_surveys(case=case)),
        "pauses": list(case_pauses(case=case)),
        "pending_redirect": actions.pending_redirect,
        "pending_extension": actions.pending_extension,
        "extension_limit": actions.extension_limit,
        "routed": routed,
        "forms": action_forms,
        "has_actions": any(action_forms.values()) or any(row["form"] for row in answer_rows),
        "answer_template_url": reverse("cases:answer_template", args=[case.number]),
        "analysis": analysis,
    }
    return render(request, "cases/case_detail.html", context, status=status)


def answer_by_post(*, user: Any, case: Case) -> str:
    """For a case opened by a paper letter: where its answer goes, as ``user`` may read it
    («почтой по адресу …», or to the e-mail where no postal address was given); "" for
    another channel or a role that may not see the applicant's address."""
    if case.channel is None or case.channel.code != "paper" or case.author is None:
        return ""
    shown = applicant_fields(user)
    if case.author.postal_address:
        if ApplicantField.POSTAL_ADDRESS not in shown:
            return ""
        return f"почтой по адресу: {case.author.postal_address}"
    if case.author.email and ApplicantField.EMAIL in shown:
        return f"на эл. почту {case.author.email}"
    return ""


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
    return case_page(request, case_or_404(request, number))


@require_action(Action.CASE_VIEW)
def answer_template_view(request: HttpRequest, number: str) -> HttpResponse:
    """HTMX: the answer textarea filled from the chosen template (nothing when none chosen)."""
    case = case_or_404(request, number)
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
    case = case_or_404(request, number)
    getter = answer_attachment_get if kind == "answer" else message_attachment_get
    attachment = getter(case=case, pk=pk)
    if attachment is None or not attachment.file:
        raise Http404("Файл не найден.")
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name or None
    )
