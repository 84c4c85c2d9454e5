"""Forms of the intake pages: the message list's filters and the quarantine's verbs."""

from __future__ import annotations

from typing import Any

from django import forms

from otklik.directory import selectors as directory
from otklik.directory.models import Topic
from otklik.intake.selectors import MessageFilters

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
