"""The operator's form: types and shapes only; the rules are the service's ``appeal_check``
(the API gives the same words)."""

from __future__ import annotations

import uuid

from django import forms

from otklik.channels.desk.services import CHANNELS, KIND_LABELS, AppealInput, FileIn
from otklik.directory.models import Municipality


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


class AppealForm(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label="Канал", choices=list(CHANNELS.items()), widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(label="Вид", choices=list(KIND_LABELS.items()))
    received_at = forms.DateTimeField(
        label="Дата и время поступления",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        error_messages={"required": "Укажите дату и время поступления."},
    )
    incoming_number = forms.CharField(
        label="Входящий регистрационный номер письма", required=False, max_length=64
    )
    letter_date = forms.DateField(
        label="Дата письма",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    applicant = forms.ChoiceField(
        label="Заявитель",
        choices=[("person", "Гражданин"), ("legal", "Юридическое лицо")],
        widget=forms.RadioSelect,
        initial="person",
    )
    legal_name = forms.CharField(label="Наименование организации", required=False, max_length=500)
    inn = forms.CharField(label="ИНН", required=False, max_length=20)
    ogrn = forms.CharField(label="ОГРН", required=False, max_length=20)
    name = forms.CharField(
        label="ФИО (у юридического лица — контактное лицо)", required=False, max_length=255
    )
    phone = forms.CharField(label="Телефон", required=False, max_length=32)
    email = forms.CharField(label="Эл. почта", required=False, max_length=254)
    postal_address = forms.CharField(
        label="Почтовый адрес для ответа",
        required=False,
        max_length=500,
        help_text="Для письма обязателен, если не указана эл. почта: ответ направляется почтой.",
    )
    municipality = forms.ModelChoiceField(
        label="Город или район проблемы",
        queryset=Municipality.objects.order_by("name"),
        to_field_name="okato",
        required=False,
        empty_label="Определит ЦУР",
    )
    address = forms.CharField(label="Адрес проблемы", required=False, max_length=255)
    text = forms.CharField(
        label="Текст обращения",
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Введите текст обращения."},
    )
    files = FilesField(label="Файлы (скан письма)", required=False, help_text="PDF, JPEG или PNG.")
    consent = forms.BooleanField(
        label="Заявитель дал согласие на обработку персональных данных",
        required=False,
        help_text="Нужно для сообщения; обращение и жалоба рассматриваются по закону без него.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())

    def appeal(self) -> AppealInput:
        d = self.cleaned_data
        return AppealInput(
            submission=d["submission"],
            channel=d["channel"],
            kind=d["kind"],
            received_at=d["received_at"],
            text=d["text"],
            address=d["address"],
            municipality=d["municipality"],
            legal_entity=d["applicant"] == "legal",
            name=d["name"],
            phone=d["phone"],
            email=d["email"],
            postal_address=d["postal_address"],
            legal_name=d["legal_name"],
            inn=d["inn"],
            ogrn=d["ogrn"],
            incoming_number=d["incoming_number"],
            letter_date=d["letter_date"],
            consent=d["consent"],
            files=[FileIn(name=f.name or "", content=f.read()) for f in d["files"]],
        )
