from __future__ import annotations

from django import forms

from otklik.accounts.models import User
from otklik.core.uploads import MappedUploadForm
from otklik.directory.models import CityDistrict, Municipality, Organization, Sector, Topic
from otklik.problems.choices import ProblemStatus
from otklik.problems.imports import MAPPINGS_DIR
from otklik.problems.models import ProjectIndicator
from otklik.problems.services import OWNER_ROLES


def owners():
    return User.objects.filter(is_active=True, role__in=list(OWNER_ROLES)).order_by(
        "last_name", "username"
    )


class ProblemForm(forms.Form):
    title = forms.CharField(label="Название", max_length=255)
    sector = forms.ModelChoiceField(Sector.objects.all(), label="Отраслевой блок")
    topics = forms.ModelMultipleChoiceField(Topic.objects.all(), label="Темы", required=False)
    municipalities = forms.ModelMultipleChoiceField(
        Municipality.objects.all(), label="МО", required=False
    )
    city_districts = forms.ModelMultipleChoiceField(
        CityDistrict.objects.all(), label="Районы Волгограда", required=False
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Ответственный", required=False
    )
    root_cause = forms.CharField(label="Коренная причина", widget=forms.Textarea, required=False)
    description = forms.CharField(label="Описание", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Новое состояние", choices=ProblemStatus.choices)
    reason = forms.CharField(label="Причина", max_length=1000)


class RootCauseForm(forms.Form):
    root_cause = forms.CharField(label="Коренная причина", widget=forms.Textarea, required=False)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Ответственный", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()


class MeasureForm(forms.Form):
    text = forms.CharField(label="Мера", widget=forms.Textarea(attrs={"rows": 2}))
    organization = forms.ModelChoiceField(
        Organization.objects.filter(valid_to__isnull=True),
        label="Ответственная организация",
        required=False,
    )
    deadline = forms.DateField(label="Срок", widget=forms.DateInput(attrs={"type": "date"}))


class MeasureDoneForm(forms.Form):
    done_on = forms.DateField(
        label="Выполнена", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label="Отметка", required=False, max_length=1000)


class CasesForm(forms.Form):
    numbers = forms.CharField(label="Номера инцидентов (через пробел или запятую)")


class IndicatorsForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        ProjectIndicator.objects.all(), label="Показатели", required=False
    )


class ImportForm(MappedUploadForm):
    mappings_dir = MAPPINGS_DIR
    field_order = ["kind", "file", "mapping", "mapping_file", "dry_run"]

    kind = forms.ChoiceField(
        label="Что загружаем",
        choices=[
            ("problems", "Проблемы из внешней системы (ИАС BI: ЦУР РФ и др.)"),
            ("indicators", "Показатели проектов (план/факт)"),
        ],
    )


class ProblemListForm(forms.Form):
    title = forms.CharField(
        label="Наименование", max_length=255, initial="Перечень региональных проблем ЦУР"
    )
    period = forms.CharField(label="Период", max_length=16, help_text="Например, 2027-Q1.")
    top = forms.IntegerField(label="Проблем в перечне", min_value=1, max_value=100, initial=10)
    due = forms.DateField(
        label="Срок решения (для всех, потом по каждой)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProblemListItemForm(forms.Form):
    sector = forms.ModelChoiceField(Sector.objects.all(), label="Ответственный блок")
    project = forms.CharField(label="Проект или меры", max_length=255, required=False)
    due = forms.DateField(label="Срок", widget=forms.DateInput(attrs={"type": "date"}))
