"""The forms of the roadmap's pages and of the links to the national projects."""

from __future__ import annotations

from django import forms

from otklik.directory.models import Organization
from otklik.office.choices import RoadmapStatus
from otklik.office.forms import DATE_INPUT, _people_field
from otklik.office.models import Programme, Project
from otklik.problems.models import ProjectIndicator


def _several(label: str, queryset, shown, size: int = 6) -> forms.ModelMultipleChoiceField:
    field = forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": size}),
    )
    field.label_from_instance = shown
    return field


def _programmes_field() -> forms.ModelMultipleChoiceField:
    return _several(
        "Национальные проекты и программы",
        Programme.objects.order_by("order", "code"),
        lambda p: f"{p.name} ({p.get_kind_display().lower()})",
    )


def _national_field() -> forms.ModelMultipleChoiceField:
    return _several(
        "Показатели нац- и регпроектов",
        ProjectIndicator.objects.order_by("project", "code"),
        lambda i: f"{i.code} — {i.name} ({i.project})",
    )


class RoadmapItemForm(forms.Form):
    number = forms.IntegerField(
        label="№", min_value=1, required=False, help_text="Пусто — следующий по порядку."
    )
    section = forms.CharField(label="Раздел", max_length=255)
    title = forms.CharField(label="Мероприятие", max_length=512)
    description = forms.CharField(
        label="Содержание", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due = forms.DateField(label="Срок", widget=DATE_INPUT)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["number"]
        self.fields["owner"] = _people_field("Ответственный")
        self.fields["organization"] = forms.ModelChoiceField(
            label="Ответственная организация",
            queryset=Organization.objects.order_by("kind", "short_name"),
            required=False,
            empty_label="— не указана —",
        )
        self.fields["organization"].label_from_instance = lambda o: o.short_name or o.name
        self.fields["programmes"] = _programmes_field()
        self.fields["projects"] = _several(
            "Проекты блоков", Project.objects.order_by("code"), lambda p: f"{p.code} {p.name}", 4
        )


class RoadmapStatusForm(forms.Form):
    status = forms.ChoiceField(label="Новое состояние")
    reason = forms.CharField(
        label="Основание", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, RoadmapStatus(s).label) for s in sorted(choices)]


class RoadmapDoneForm(forms.Form):
    evidence = forms.CharField(
        label="Подтверждение исполнения",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Документ: вид, номер, дата (например «Распоряжение № 12-р от 01.12.2026»).",
    )
    evidence_url = forms.CharField(
        label="Ссылка на документ",
        required=False,
        max_length=1024,
        help_text="https://… или страница платформы (/office/…).",
    )
    done_on = forms.DateField(
        label="Дата исполнения", required=False, widget=DATE_INPUT, help_text="Пусто — сегодня."
    )


class RoadmapFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Состояние", choices=[("", "любое"), *RoadmapStatus.choices], required=False
    )
    overdue = forms.BooleanField(label="Только просроченные", required=False)
    mine = forms.BooleanField(label="Только мои", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = _people_field("Ответственный")
        owner.required, owner.empty_label = False, "любой"
        self.fields["owner"] = owner
        self.order_fields(["status", "owner", "overdue", "mine"])


class LinksForm(forms.Form):
    """A project's or an indicator's links to the programmes and national indicators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"] = _programmes_field()
        self.fields["national_indicators"] = _national_field()


class ProgrammeIndicatorsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_indicators"] = _national_field()
