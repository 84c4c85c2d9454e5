"""The message list (with HTMX-refreshed filters), the message page and the quarantine."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import Action, can
from otklik.core.views import paginate, require_action
from otklik.directory import selectors as directory
from otklik.directory.models import Topic
from otklik.intake.parsing import body_files_shortened
from otklik.intake.selectors import (
    MessageFilters,
    delivery_body_for,
    message_author_name,
    message_get,
    message_list,
    quarantine_get,
    quarantine_list,
)
from otklik.intake.services.quarantine import delivery_discard, delivery_retry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MessageFilterForm(forms.Form):
    """The list's filters; values in the URL are codes (``?sector=zhkh&channel=pos``)."""

    q = forms.CharField(
        label="Поиск по тексту",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "слово, адрес или номер"}),
    )
    sector = forms.ModelChoiceField(
        label="Отраслевой блок",
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label="все блоки",
    )
    topic = forms.ChoiceField(label="Тема", required=False)
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование",
        queryset=None,
        required=False,
        to_field_name="okato",
        empty_label="все МО",
    )
    channel = forms.ModelChoiceField(
        label="Канал", queryset=None, required=False, to_field_name="code", empty_label="все каналы"
    )
    kind = forms.ModelChoiceField(
        label="Вид поступления",
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label="все виды",
    )
    date_from = forms.DateField(
        label="Поступило с",
        required=False,
        widget=DATE_INPUT,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    date_to = forms.DateField(
        label="Поступило по",
        required=False,
        widget=DATE_INPUT,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = directory.sector_list(user=user)
        self.fields["municipality"].queryset = directory.municipality_list(user=user)
        self.fields["channel"].queryset = directory.channel_list(user=user)
        self.fields["kind"].queryset = directory.input_kind_list(user=user)
        self._topics = {t.code: t for t in directory.topic_list(user=user)}
        groups: dict[str, list[tuple[str, str]]] = {}
        for topic in self._topics.values():
            groups.setdefault(topic.sector.name, []).append((topic.code, topic.name))
        self.fields["topic"].choices = [("", "все темы"), *groups.items()]

    def clean_topic(self) -> Topic | None:
        code = self.cleaned_data.get("topic")
        return self._topics.get(code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Дата «по» раньше даты «с».")
        return data

    def filters(self) -> MessageFilters:
        """The valid filters; an invalid one is dropped (and shown as an error in the form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()  # type: ignore[return-value]
            if value not in (None, "")
        }


@require_action(Action.MESSAGE_VIEW)
def message_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = MessageFilterForm(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, message_list(user=user, filters=filters))
    context = {"form": form, "page": page, "filtered": bool(filters), "hx_target": "#message-table"}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "intake/_message_table.html" if partial else "intake/message_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_action(Action.MESSAGE_VIEW)
def message_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = message_get(user=request.user, pk=pk)
    if message is None:
        raise Http404("Сообщение не найдено.")
    return render(
        request,
        "intake/message_detail.html",
        {
            "message": message,
            "author_name": message_author_name(user=request.user, message=message),
        },
    )


# --- the quarantine ------------------------------------------------------------------------
class RetryForm(forms.Form):
    body = forms.CharField(
        label="Исправленные данные (JSON)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Оставьте как есть, чтобы разобрать заново после исправления справочников.",
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "спам, тест, дубль из другой системы…"}),
    )


@require_action(Action.QUARANTINE_VIEW)
def quarantine_view(request: HttpRequest) -> HttpResponse:
    """Deliveries that could not be parsed, with their reason and the raw body."""
    user = request.user
    page = paginate(request, quarantine_list(user=user))
    rows = []
    for delivery in page:
        shown = body_files_shortened(delivery.body)
        body, redacted = delivery_body_for(user=user, body=shown)
        rows.append({"delivery": delivery, "body": body, "redacted": redacted, "editable": shown})
    return render(
        request,
        "intake/quarantine.html",
        {
            "page": page,
            "rows": rows,
            "can_manage": can(user, Action.QUARANTINE_MANAGE),
        },
    )


def _quarantined_or_404(request: HttpRequest, pk: int):
    delivery = quarantine_get(user=request.user, pk=pk)
    if delivery is None:
        raise Http404("Поступление не найдено в карантине.")
    return delivery


@require_POST
@require_action(Action.QUARANTINE_MANAGE)
def quarantine_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _quarantined_or_404(request, pk)
    form = RetryForm(request.POST)
    form.is_valid()
    body = form.cleaned_data.get("body") or None
    if body is not None and body.strip() in (
        delivery.body.strip(),
        body_files_shortened(delivery.body).strip(),
    ):
        body = None
    try:
        result = delivery_retry(actor=request.user, delivery=delivery, body=body)
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, f"Поступление #{delivery.pk}: {exc.message}")
    else:
        state = "сообщение создано" if result.status == "created" else "такое сообщение уже было"
        messages.success(request, f"Поступление #{delivery.pk} разобрано: {state}.")
    return redirect("intake:quarantine")


@require_POST
@require_action(Action.QUARANTINE_MANAGE)
def quarantine_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _quarantined_or_404(request, pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Поступление #{delivery.pk}: укажите причину отклонения.")
        return redirect("intake:quarantine")
    try:
        delivery_discard(actor=request.user, delivery=delivery, reason=form.cleaned_data["reason"])
    except AccessDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, f"Поступление #{delivery.pk}: {exc.message}")
    else:
        messages.success(request, f"Поступление #{delivery.pk} отклонено и убрано из карантина.")
    return redirect("intake:quarantine")
