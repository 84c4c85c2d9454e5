from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Sector
from otklik.office import composition, passport, selectors
from otklik.office.choices import (
    Direction,
    GroupKind,
    RiskImpact,
    RiskProbability,
    RiskStatus,
)
from otklik.office.composition import Member
from otklik.office.measures import INDICATOR_MEASURES
from otklik.office.services_risks import Task

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PassportForm(forms.Form):
    """The passport's fields as texts (list fields: one item per line, parts by «|»)."""

    def __init__(self, *args, with_name: bool = True, with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label="Запрос на изменение: что меняется и почему",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if with_name:
            self.fields["name"] = forms.CharField(label="Наименование проекта", max_length=512)
        for f in passport.FIELDS:
            self.fields[f.key] = forms.CharField(
                label=f.label,
                required=False,
                help_text=f.help,
                widget=forms.Textarea(attrs={"rows": 2 if not f.parts else 4}),
            )

    def texts(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(f.key, "") for f in passport.FIELDS}


class StateForm(forms.Form):
    state = forms.ChoiceField(label="Новое состояние")
    reason = forms.CharField(
        label="Основание", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = choices


class ReportPrepareForm(forms.Form):
    period = forms.RegexField(
        label="Период (месяц)", regex=r"^\d{4}-\d{2}$", help_text="Например, 2026-11."
    )


class IndicatorProposeForm(forms.Form):
    code = forms.CharField(label="Код", max_length=32)
    name = forms.CharField(label="Наименование", max_length=512)
    unit = forms.CharField(label="Единица измерения (ОКЕИ)", max_length=64)
    direction = forms.ChoiceField(label="Направление", choices=Direction.choices)
    sector = forms.ModelChoiceField(
        label="Отраслевой блок",
        queryset=Sector.objects.all(),
        required=False,
        empty_label="ЦУР в целом",
    )
    measure = forms.ChoiceField(label="Расчёт по данным платформы", required=False)
    method = forms.CharField(
        label="Методика расчёта", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    base_value = forms.DecimalField(label="Базовое значение", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "— вносится ответственным —")] + [
            (m.code, m.label) for m in INDICATOR_MEASURES.values()
        ]


class FactForm(forms.Form):
    period = forms.RegexField(label="Период", regex=r"^\d{4}(-\d{2}|-Q[1-4])?$")
    value = forms.DecimalField(label="Факт")
    evidence = forms.CharField(label="Подтверждение", widget=forms.Textarea(attrs={"rows": 2}))


def _people_field(label: str) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=label, queryset=selectors.office_people())
    field.label_from_instance = lambda u: u.get_full_name() or u.username
    return field


def _user_by_login(login: str, where: str):
    user = get_user_model().objects.filter(username=login).first()
    if user is None:
        raise forms.ValidationError(f"{where}: нет пользователя с логином «{login}».")
    return user


class RiskForm(forms.Form):
    description = forms.CharField(label="Риск", widget=forms.Textarea(attrs={"rows": 2}))
    probability = forms.ChoiceField(label="Вероятность", choices=RiskProbability.choices)
    impact = forms.ChoiceField(label="Влияние", choices=RiskImpact.choices)
    measures = forms.CharField(
        label="Меры реагирования", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due = forms.DateField(label="Срок реагирования", widget=DATE_INPUT)

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _people_field("Владелец риска")
        if reports is not None:
            self.fields["report"] = forms.ModelChoiceField(
                label="Отмечен в отчёте",
                queryset=reports,
                required=False,
                empty_label="— не из отчёта —",
            )


class RiskStatusForm(forms.Form):
    status = forms.ChoiceField(label="Новое состояние")
    reason = forms.CharField(
        label="Основание", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, RiskStatus(s).label) for s in sorted(choices)]


class QuestionForm(forms.Form):
    text = forms.CharField(label="Вопрос", widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.CharField(
        label="Предлагаемое решение", widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateField(label="Решение нужно до", widget=DATE_INPUT)


def _tasks(text: str) -> list[Task]:
    """Tasks written one a line: «поручение | @логин ответственного | срок ДД.ММ.ГГГГ»."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"Поручения, строка {n}"
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[1].startswith("@"):
            raise forms.ValidationError(f"{where}: ожидается «поручение | @логин | ДД.ММ.ГГГГ».")
        try:
            due = passport.parse_date(parts[2], where)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        user = _user_by_login(parts[1][1:], where)
        out.append(Task(text=parts[0], responsible=user, due=dt.date.fromisoformat(due)))
    return out


class DecisionForm(forms.Form):
    decision = forms.CharField(label="Решение", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(
        label="Дата решения", required=False, widget=DATE_INPUT, help_text="Пусто — сегодня."
    )
    tasks = forms.CharField(
        label="Поручения",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Одно в строке: «поручение | @логин ответственного | срок ДД.ММ.ГГГГ».",
    )

    def clean_tasks(self) -> list[Task]:
        return _tasks(self.cleaned_data.get("tasks", ""))


class TaskForm(forms.Form):
    text = forms.CharField(label="Поручение", widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(label="Срок", widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = _people_field("Ответственный")


class GroupForm(forms.Form):
    """A group and its composition as text (one member a line, see ``office.composition``)."""

    def __init__(
        self,
        *args,
        with_kind: bool = False,
        with_group: bool = True,
        with_reason: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label="Изменение состава: что меняется и почему",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if with_kind:
            self.fields["kind"] = forms.ChoiceField(label="Вид", choices=GroupKind.choices)
        if with_group:
            self.fields["name"] = forms.CharField(label="Наименование группы", max_length=512)
            self.fields["purpose"] = forms.CharField(
                label="Цель и задачи", widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields["members"] = forms.CharField(
            label="Состав",
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text="Один член группы в строке: «роль | ФИО или @логин | должность | "
            "организация»; роль — руководитель, секретарь или член. Пользователь платформы — "
            "по логину через @.",
        )

    def clean_members(self) -> list[Member]:
        try:
            entries = composition.entries(self.cleaned_data.get("members", ""))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return [
            Member(
                role=e.role,
                user=_user_by_login(e.login, f"Состав, строка {e.line}") if e.login else None,
                name="" if e.login else e.who,
                position=e.position,
                organisation=e.organisation,
            )
            for e in entries
        ]


class RiskFilterForm(forms.Form):
    sector = forms.ModelChoiceField(
        label="Блок", queryset=Sector.objects.all(), required=False, empty_label="все блоки"
    )
    status = forms.ChoiceField(
        label="Состояние", choices=[("", "любое"), *RiskStatus.choices], required=False
    )
    overdue = forms.BooleanField(label="Только просроченные", required=False)


class PlanForm(forms.Form):
    sector = forms.ModelChoiceField(
        label="Блок", queryset=Sector.objects.all(), required=False, empty_label="ЦУР в целом"
    )
    period = forms.RegexField(
        label="Период", regex=r"^\d{4}(-\d{2}|-Q[1-4])?$", help_text="2027, 2027-Q1 или 2027-03."
    )
    reason = forms.CharField(
        label="Что и почему меняется (для новой версии утверждённого плана)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
