"""The pages of requests and tasks: thin — parse, call a selector or a service, render. The
ЦУР's side sees the requests it sent with their consolidated tables and the incoming requests;
an organisation's operator sees its own queue of items next to its cases."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from otklik.approvals.selectors import approval_of, approval_panel
from otklik.core.exceptions import NotFound
from otklik.core.permissions import ACTION_LABELS, Action, can
from otklik.core.views import attempt, require_action
from otklik.correspondence import forms, selectors, services, services_incoming, services_measures
from otklik.correspondence.files import uploads_from
from otklik.correspondence.models import Assignment


def _found(get, **lookup):
    try:
        return get(**lookup)
    except NotFound as exc:
        raise Http404 from exc


def _require(request: HttpRequest, action: Action) -> None:
    if not can(request.user, action):
        raise PermissionDenied(f"Недостаточно прав: «{ACTION_LABELS[action]}».")


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_http_methods(["GET", "POST"])
@require_action(Action.CORR_VIEW)
def list_view(request: HttpRequest) -> HttpResponse:
    """«Запросы и поручения»: the ЦУР's sent requests and a form to send one; an
    organisation's queue of items."""
    today = services.corr_today()
    may_send = can(request.user, Action.CORR_SEND)
    form = None
    if may_send:
        form = forms.SendForm(
            request.POST or None,
            request.FILES or None,
            initial={"due": services.default_due(), "kind": "task"},
        )
    if request.method == "POST":
        _require(request, Action.CORR_SEND)
        if form.is_valid():
            d = form.cleaned_data
            sent = attempt(
                request,
                lambda: services.assignment_send(
                    actor=request.user,
                    kind=d["kind"],
                    subject=d["subject"],
                    text=d["text"],
                    due=d["due"],
                    organizations=d["organizations"],
                    sector=d["sector"],
                    files=uploads_from(d["files"]),
                ),
                "Направлено адресатам.",
            )
            if sent is not None:
                return redirect("correspondence:assignment", pk=sent.pk)
    operates = bool(getattr(request.user, "organization_id", None))
    rows = []
    if not operates:
        for a in selectors.assignment_list(user=request.user)[:200]:
            rows.append(
                {
                    "a": a,
                    "counts": selectors.table_counts(
                        selectors.consolidated(assignment=a, today=today)
                    ),
                }
            )
    items = [
        {"item": i, "overdue": selectors.is_overdue(i, today)}
        for i in selectors.item_list(user=request.user)[:200]
    ] if operates else []  # fmt: skip
    return render(
        request,
        "correspondence/list.html",
        {
            "form": form,
            "rows": rows,
            "items": items,
            "operates": operates,
            "today": today,
            "may_incoming": can(request.user, Action.CORR_INCOMING),
        },
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.CORR_VIEW)
def assignment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A request (task): its text, files, the consolidated table of who answered what, the
    final summary and its route."""
    a: Assignment = _found(selectors.assignment_get, user=request.user, pk=pk)
    if getattr(request.user, "organization_id", None):
        # an organisation sees its own copy only
        item = a.items.filter(organization_id=request.user.organization_id).first()
        if item is None:
            raise Http404
        return redirect("correspondence:item", pk=item.pk)
    today = services.corr_today()
    may_send = can(request.user, Action.CORR_SEND, a)
    summary_form = forms.SummaryForm(request.POST or None, initial={"text": a.summary})
    if request.method == "POST":
        if not may_send:
            raise PermissionDenied(f"Недостаточно прав: «{ACTION_LABELS[Action.CORR_SEND]}».")
        if summary_form.is_valid():
            d = summary_form.cleaned_data
            done = attempt(
                request,
                lambda: services.summary_submit(
                    actor=request.user, assignment=a, text=d["text"], early=d["early"]
                ),
                "Итоговая справка направлена на согласование.",
            )
            if done is not None:
                return redirect("correspondence:assignment", pk=a.pk)
    rows = selectors.consolidated(assignment=a, today=today)
    approval = approval_of(kind=services.SUMMARY, target_id=a.pk)
    return render(
        request,
        "correspondence/assignment.html",
        {
            "a": a,
            "rows": rows,
            "counts": selectors.table_counts(rows),
            "files": a.files.all(),
            "summary_form": summary_form if may_send else None,
            "registration": selectors.registration_of(a),
            "panel": approval_panel(user=request.user, approval=approval),
            "today": today,
        },
    )


@require_GET
@require_action(Action.CORR_VIEW)
def item_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _found(selectors.item_get, user=request.user, pk=pk)
    today = services.corr_today()
    verbs = selectors.item_actions(user=request.user, item=item)
    return render(
        request,
        "correspondence/item.html",
        {
            "item": item,
            "a": item.assignment,
            "files": item.assignment.files.all(),
            "replies": item.replies.prefetch_related("files").select_related("author"),
            "history": selectors.item_history(item),
            "verbs": verbs,
            "overdue": selectors.is_overdue(item, today),
            "late": selectors.is_late(item, today),
            "answer_form": forms.AnswerForm() if "answer" in verbs else None,
            "may_see_sender_side": not getattr(request.user, "organization_id", None),
        },
    )


VERBS = {
    "answer": (Action.CORR_ANSWER, "Ответ направлен в ЦУР."),
    "accept": (Action.CORR_CHECK, "Ответ принят."),
    "return": (Action.CORR_CHECK, "Возвращено на доработку."),
    "withdraw": (Action.CORR_SEND, "Отозвано."),
}


@require_POST
@require_action(Action.CORR_VIEW)
def item_verb_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    if verb not in VERBS:
        raise Http404
    item = _found(selectors.item_get, user=request.user, pk=pk)
    action, done = VERBS[verb]
    _require(request, action)
    actor = request.user
    if verb == "answer":
        form = forms.AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Ответ: " + _errors(form))
            return redirect("correspondence:item", pk=item.pk)
        d = form.cleaned_data

        def call():
            return services.item_answer(
                actor=actor, item=item, text=d["text"], files=uploads_from(d["files"])
            )
    elif verb == "accept":

        def call():
            return services.item_accept(actor=actor, item=item, text=request.POST.get("text", ""))
    else:
        service = services.item_return if verb == "return" else services.item_withdraw

        def call():
            return service(actor=actor, item=item, reason=request.POST.get("reason", ""))

    attempt(request, call, done)
    if verb in ("accept", "return") and request.POST.get("back") == "assignment":
        return redirect("correspondence:assignment", pk=item.assignment_id)
    return redirect("correspondence:item", pk=item.pk)


@require_GET
@require_action(Action.CORR_VIEW)
def file_view(request: HttpRequest, pk: int) -> FileResponse:
    f = _found(selectors.file_get, user=request.user, pk=pk)
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name)


# --------------------------------------------------------------------------- incoming
@require_http_methods(["GET", "POST"])
@require_action(Action.CORR_VIEW)
def incoming_list_view(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "organization_id", None):
        raise PermissionDenied("Входящие запросы ведёт ЦУР.")
    may_register = can(request.user, Action.CORR_INCOMING)
    form = forms.IncomingForm(request.POST or None, request.FILES or None) if may_register else None
    if request.method == "POST":
        _require(request, Action.CORR_INCOMING)
        if form.is_valid():
            d = dict(form.cleaned_data)
            files = uploads_from(d.pop("files"))
            made = attempt(
                request,
                lambda: services_incoming.incoming_register(actor=request.user, files=files, **d),
                "Входящий запрос зарегистрирован.",
            )
            if made is not None:
                return redirect("correspondence:incoming", pk=made.pk)
    today = services.corr_today()
    rows = [
        {"i": i, "overdue": selectors.incoming_overdue(i, today)}
        for i in selectors.incoming_list(user=request.user)[:200]
    ]
    return render(
        request, "correspondence/incoming_list.html", {"rows": rows, "form": form, "today": today}
    )


@require_http_methods(["GET", "POST"])
@require_action(Action.CORR_VIEW)
def incoming_view(request: HttpRequest, pk: int) -> HttpResponse:
    incoming = _found(selectors.incoming_get, user=request.user, pk=pk)
    may = can(request.user, Action.CORR_INCOMING, incoming)
    assign_form = forms.AssignForm(
        request.POST if request.POST.get("verb") == "assign" else None,
        initial={"assignee": incoming.assignee_id},
    )
    answer_form = forms.IncomingAnswerForm(
        request.POST if request.POST.get("verb") == "answer" else None,
        request.FILES or None,
        initial={"text": incoming.answer_text},
    )
    if request.method == "POST":
        _require(request, Action.CORR_INCOMING)
        verb = request.POST.get("verb")
        done = None
        if verb == "assign" and assign_form.is_valid():
            assignee = assign_form.cleaned_data["assignee"]
            done = attempt(
                request,
                lambda: services_incoming.incoming_assign(
                    actor=request.user, incoming=incoming, assignee=assignee
                ),
                "Исполнитель назначен.",
            )
        elif verb == "answer" and answer_form.is_valid():
            d = answer_form.cleaned_data
            done = attempt(
                request,
                lambda: services_incoming.incoming_answer_submit(
                    actor=request.user,
                    incoming=incoming,
                    text=d["text"],
                    parts=answer_form.parts(),
                    files=uploads_from(d["files"]),
                ),
                "Ответ направлен на согласование.",
            )
        if done is not None:
            return redirect("correspondence:incoming", pk=incoming.pk)
    approval = approval_of(kind=services_incoming.ANSWER, target_id=incoming.pk)
    editable = incoming.state in ("registered", "in_work")
    return render(
        request,
        "correspondence/incoming.html",
        {
            "i": incoming,
            "overdue": selectors.incoming_overdue(incoming, services.corr_today()),
            "files": incoming.files.filter(in_answer=False),
            "answer_files": incoming.files.filter(in_answer=True),
            "assign_form": assign_form if may and incoming.state != "closed" else None,
            "answer_form": answer_form if may and editable else None,
            "panel": approval_panel(user=request.user, approval=approval),
        },
    )


@require_GET
@require_action(Action.CORR_VIEW)
def incoming_package_view(request: HttpRequest, pk: int) -> HttpResponse:
    incoming = _found(selectors.incoming_get, user=request.user, pk=pk)
    if not incoming.answer_text:
        raise Http404
    content = services_incoming.package_build(user=request.user, incoming=incoming)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="otvet-{incoming.pk}.zip"'
    return response


# --------------------------------------------------------------------------- measures
@require_http_methods(["GET", "POST"])
@require_action(Action.CORR_VIEW)
def measures_view(request: HttpRequest) -> HttpResponse:
    """The measures of the regional problems as tasks: a consolidated view per sector; a
    measure with a responsible organisation is sent as a task from here."""
    if request.method == "POST":
        _require(request, Action.CORR_SEND)
        from otklik.problems.models import Measure

        pk = request.POST.get("measure", "")
        measure = Measure.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if measure is None or not can(request.user, Action.PROBLEM_VIEW, measure.problem):
            raise Http404
        made = attempt(
            request,
            lambda: services_measures.measure_task_send(actor=request.user, measure=measure),
            "Мера направлена организации как поручение.",
        )
        if made is not None:
            return redirect("correspondence:assignment", pk=made.pk)
    board = selectors.measure_board(user=request.user, today=services.corr_today())
    return render(
        request,
        "correspondence/measures.html",
        {
            "board": board,
            "outcomes": selectors.OUTCOMES,
            "to_send": selectors.measures_to_send(user=request.user),
        },
    )
