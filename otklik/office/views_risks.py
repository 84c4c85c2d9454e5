"""The pages of the risk register and of the questions for the curator's decision: thin —
parse, call a selector or a service, render. The project's and the report's pages show their
part through ``project_section`` and ``report_section``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.core.permissions import Action, can
from otklik.core.views import require_action
from otklik.office import forms, selectors, services_risks
from otklik.office.choices import RISK_TRANSITIONS, ProjectState, RiskStatus
from otklik.office.models import DecisionTask, ProgressReport, Project
from otklik.office.services_risks import Task, office_today
from otklik.office.views_common import attempt, form_errors, found, posted, require

CLOSED_PROJECT = (ProjectState.COMPLETED, ProjectState.STOPPED)


def project_section(request: HttpRequest, project: Project) -> dict:
    """The project page's «Риски» section (``office/_risks.html``)."""
    may_prepare = can(request.user, Action.OFFICE_PREPARE, project)
    risks = selectors.risk_list(user=request.user, today=office_today(), project=project)
    return {
        "risks": list(risks),
        "risk_form": forms.RiskForm(reports=project.reports.all())
        if may_prepare and project.state not in CLOSED_PROJECT
        else None,
    }


def report_section(request: HttpRequest, report: ProgressReport) -> dict:
    """The report page's «Вопросы на решение куратора» section."""
    questions = selectors.question_list(user=request.user, today=office_today(), report=report)
    return {
        "questions": list(questions),
        "question_form": forms.QuestionForm() if can(request.user, Action.QUESTION_RAISE) else None,
        "question_action": reverse("office:report_question", args=[report.pk]),
    }


@require_POST
@require_action(Action.OFFICE_PREPARE)
def risk_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = found(selectors.project_get, user=request.user, pk=pk)
    form = forms.RiskForm(request.POST, reports=project.reports.all())
    if not form.is_valid():
        messages.error(request, "Проверьте поля риска: " + form_errors(form))
    else:
        d = form.cleaned_data
        attempt(
            request,
            lambda: services_risks.risk_create(
                actor=request.user,
                project=project,
                description=d["description"],
                owner=d["owner"],
                probability=d["probability"],
                impact=d["impact"],
                measures=d["measures"],
                due=d["due"],
                report=d.get("report"),
            ),
            "Риск внесён в реестр.",
        )
    return redirect(reverse("office:project", args=[project.pk]) + "#risks")


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def risk_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A risk: its card, the questions raised from it; its owner's side edits it and moves its
    state, the head raises a question from it."""
    today = office_today()
    risk = found(selectors.risk_get, user=request.user, pk=pk, today=today)
    verb = request.POST.get("verb", "") if request.method == "POST" else ""
    data = request.POST if verb else None
    may_prepare = can(request.user, Action.OFFICE_PREPARE, risk)
    initial = {name: getattr(risk, name) for name in services_risks.RISK_FIELDS}
    edit = forms.RiskForm(data if verb == "edit" else None, initial=initial)
    status = forms.RiskStatusForm(
        data if verb == "status" else None, choices=RISK_TRANSITIONS.get(risk.status, ())
    )
    question = forms.QuestionForm(data if verb == "question" else None)
    done = None
    if verb == "edit":
        done = posted(
            request,
            Action.OFFICE_PREPARE,
            edit,
            lambda d: services_risks.risk_update(
                actor=request.user, risk=risk, **{k: d[k] for k in services_risks.RISK_FIELDS}
            ),
            "Риск сохранён.",
        )
    elif verb == "status":
        done = posted(
            request,
            Action.OFFICE_PREPARE,
            status,
            lambda d: services_risks.risk_status_set(actor=request.user, risk=risk, **d),
            "Состояние риска изменено.",
        )
    elif verb == "question":
        raised = posted(
            request,
            Action.QUESTION_RAISE,
            question,
            lambda d: services_risks.question_raise(actor=request.user, risk=risk, **d),
            "Вопрос поставлен на решение куратора.",
        )
        if raised is not None:
            return redirect("office:question", pk=raised.pk)
    elif verb:
        raise Http404
    if done is not None:
        return redirect("office:risk", pk=risk.pk)
    may_raise = can(request.user, Action.QUESTION_RAISE) and risk.status != RiskStatus.CLOSED
    return render(
        request,
        "office/risk.html",
        {
            "risk": risk,
            "project": risk.project,
            "questions": list(selectors.question_list(user=request.user, today=today, risk=risk)),
            "edit_form": edit if may_prepare and risk.status != RiskStatus.CLOSED else None,
            "status_form": status if may_prepare else None,
            "question_form": question if may_raise else None,
            "question_action": reverse("office:risk", args=[risk.pk]),
        },
    )


@require_POST
@require_action(Action.QUESTION_RAISE)
def report_question_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = found(selectors.report_get, user=request.user, pk=pk)
    form = forms.QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Проверьте поля вопроса: " + form_errors(form))
        return redirect("office:report", pk=report.pk)
    question = attempt(
        request,
        lambda: services_risks.question_raise(
            actor=request.user, report=report, **form.cleaned_data
        ),
        "Вопрос поставлен на решение куратора.",
    )
    if question is None:
        return redirect("office:report", pk=report.pk)
    return redirect("office:question", pk=question.pk)


@require_GET
@require_action(Action.OFFICE_VIEW)
def risks_view(request: HttpRequest) -> HttpResponse:
    """«Риски и вопросы»: the register across projects (by block, state, overdue), the
    questions waiting for the curator's decision and the overdue tasks of the decisions."""
    today = office_today()
    filters = forms.RiskFilterForm(request.GET or None)
    f = filters.cleaned_data if filters.is_valid() else {}
    risks = selectors.risk_list(
        user=request.user,
        today=today,
        sector=f.get("sector"),
        status=f.get("status") or "",
        overdue=bool(f.get("overdue")),
    )
    return render(
        request,
        "office/risks.html",
        {
            "filters": filters,
            "risks": list(risks[:500]),
            "questions": list(
                selectors.question_list(user=request.user, today=today, waiting=True)
            ),
            "tasks_late": list(selectors.tasks_overdue(user=request.user, today=today)[:200]),
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.OFFICE_VIEW)
def question_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A question: where it comes from, the proposed decision; the curator records the decision
    and its tasks; the tasks' progress, the overdue ones marked."""
    today = office_today()
    question = found(selectors.question_get, user=request.user, pk=pk, today=today)
    verb = request.POST.get("verb", "") if request.method == "POST" else ""
    data = request.POST if verb else None
    decide = forms.DecisionForm(data if verb == "decide" else None)
    task = forms.TaskForm(data if verb == "task" else None)
    done = None
    if verb == "decide":
        done = posted(
            request,
            Action.QUESTION_DECIDE,
            decide,
            lambda d: services_risks.question_decide(actor=request.user, question=question, **d),
            "Решение записано.",
        )
    elif verb == "task":
        done = posted(
            request,
            Action.QUESTION_DECIDE,
            task,
            lambda d: services_risks.decision_task_add(
                actor=request.user, question=question, task=Task(**d)
            ),
            "Поручение добавлено.",
        )
    elif verb == "done":
        require(request, Action.OFFICE_PREPARE)
        row = DecisionTask.objects.filter(question=question, pk=request.POST.get("task")).first()
        if row is None:
            raise Http404
        done = attempt(
            request,
            lambda: services_risks.decision_task_done(actor=request.user, task=row),
            "Поручение отмечено исполненным.",
        )
    elif verb:
        raise Http404
    if done is not None:
        return redirect("office:question", pk=question.pk)
    decided = question.decided_on is not None
    may_decide = can(request.user, Action.QUESTION_DECIDE, question)
    return render(
        request,
        "office/question.html",
        {
            "question": question,
            "project": question.project,
            "tasks": selectors.task_list(question=question, today=today),
            "decide_form": decide if may_decide and not decided else None,
            "task_form": task if may_decide and decided else None,
            "may_mark_done": can(request.user, Action.OFFICE_PREPARE, question.project),
        },
    )
