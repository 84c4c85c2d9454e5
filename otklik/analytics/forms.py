from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from otklik.directory.models import Municipality, Organization, Sector

DEFAULT_DAYS = 30


class SliceForm(forms.Form):
    """The period and the dimensions of a dashboard (GET)."""

    date_from = forms.DateField(label="С", required=False)
    date_to = forms.DateField(label="По", required=False)
    sector = forms.ModelChoiceField(
        Sector.objects.all(), label="Блок", required=False, empty_label="все", to_field_name="code"
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.all(),
        label="МО",
        required=False,
        empty_label="все",
        to_field_name="okato",
    )
    organization = forms.ModelChoiceField(
        Organization.objects.filter(valid_to__isnull=True),
        label="Организация",
        required=False,
        empty_label="все",
        to_field_name="code",
    )

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None:
            # the drill-down addresses use the short names
            for short, full in (("from", "date_from"), ("to", "date_to")):
                if short in data and full not in data:
                    data[full] = data[short]
        super().__init__(data, **kwargs)

    def clean(self):
        d = super().clean()
        today = timezone.localdate()
        end = d.get("date_to") or today
        start = d.get("date_from") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError("Начало периода позже его конца.")
        if (end - start).days > 3660:
            raise forms.ValidationError("Период не длиннее десяти лет.")
        d["date_from"], d["date_to"] = start, end
        return d

    def cleaned_data_or_default(self) -> dict:
        """The default slice (the last 30 days, everything) when the form is invalid."""
        self.is_valid()
        return self.clean()


class MethodologyForm(forms.Form):
    quantity = forms.FloatField(label="Вес: количество (Q)", min_value=0, max_value=10)
    speed = forms.FloatField(label="Вес: скорость (S)", min_value=0, max_value=10)
    quality = forms.FloatField(label="Вес: качество (K)", min_value=0, max_value=10)
    completeness = forms.FloatField(label="Вес: полнота (P)", min_value=0, max_value=10)
    min_cases = forms.IntegerField(label="Порог: инцидентов за период", min_value=1, max_value=1000)
    note = forms.CharField(label="Что и почему изменено", max_length=500)

    def __init__(self, *args, current=None, **kwargs):
        if current is not None:  # shown on the empty form; a posted one keeps what was typed
            kwargs.setdefault("initial", {**current.weights, "min_cases": current.min_cases})
        super().__init__(*args, **kwargs)
