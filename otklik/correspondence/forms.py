"""The forms of the pages of requests and tasks (the services check the rules again)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from otklik.cases.forms import MultipleFileField
from otklik.core.roles import CUR_STAFF_ROLES, Role
from otklik.correspondence.choices import AssignmentKind, IncomingSource
from otklik.directory.models import Organization, Sector

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _sector_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Отраслевой блок",
        queryset=Sector.objects.order_by("order", "code"),
        required=False,
        help_text="Ответственному за блок — его блок.",
    )


class SendForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=AssignmentKind.choices)
    organizations = forms.ModelMultipleChoiceField(
        label="Организации-адресаты",
        queryset=Organization.objects.exclude(kind="cur").order_by("kind", "short_name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Можно выбрать несколько (Ctrl или ⌘ при щелчке).",
    )
    subject = forms.CharField(label="Тема", max_length=512)
    text = forms.CharField(label="Текст", widget=forms.Textarea(attrs={"rows": 6}))
    due = forms.DateField(label="Срок исполнения", widget=DATE_INPUT)
    files = MultipleFileField(label="Файлы", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"] = _sector_field()


class AnswerForm(forms.Form):
    text = forms.CharField(label="Ответ", widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label="Файлы (подтверждающие материалы)", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AcceptForm(forms.Form):
    text = forms.CharField(label="Замечание", required=False, max_length=2000)


class SummaryForm(forms.Form):
    text = forms.CharField(label="Итоговая справка", widget=forms.Textarea(attrs={"rows": 6}))
    early = forms.BooleanField(
        label="Подготовить справку досрочно (не все ответы приняты)", required=False
    )


def _people_field(label: str, required: bool = True) -> forms.ModelChoiceField:
    staff = [r for r in CUR_STAFF_ROLES if r != Role.AUDITOR]
    field = forms.ModelChoiceField(
        label=label,
        queryset=get_user_model()
        .objects.filter(is_active=True, role__in=staff)
        .order_by("last_name", "first_name", "username"),
        required=required,
    )
    field.label_from_instance = lambda u: u.get_full_name() or u.username
    return field


class IncomingForm(forms.Form):
    source = forms.ChoiceField(label="От кого", choices=IncomingSource.choices)
    sender_name = forms.CharField(label="Отправитель (орган, должность, ФИО)", max_length=512)
    their_number = forms.CharField(label="Исходящий номер", max_length=64)
    their_date = forms.DateField(label="Дата письма", widget=DATE_INPUT)
    subject = forms.CharField(label="Тема", max_length=512)
    text = forms.CharField(label="Содержание", widget=forms.Textarea(attrs={"rows": 5}))
    due = forms.DateField(label="Срок ответа", widget=DATE_INPUT)
    files = MultipleFileField(label="Файлы", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"] = _sector_field()
        self.fields["assignee"] = _people_field("Исполнитель", required=False)


class AssignForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _people_field("Исполнитель")


class IncomingAnswerForm(forms.Form):
    text = forms.CharField(label="Текст ответа", widget=forms.Textarea(attrs={"rows": 6}))
    analytics_month = forms.RegexField(
        label="Приложить ежемесячный аналитический отчёт за месяц",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="ГГГГ-ММ, например 2026-11; пусто — без отчёта.",
    )
    files = MultipleFileField(label="Файлы", required=False)

    def parts(self) -> list[dict]:
        month = self.cleaned_data.get("analytics_month")
        return [{"part": "analytics_monthly", "month": month}] if month else []
