from __future__ import annotations

from django import forms

from otklik.directory.models import Sector
from otklik.office import passport
from otklik.office.choices import Direction
from otklik.office.measures import INDICATOR_MEASURES


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
