"""The public report form: validation with Russian messages; no writes here."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from otklik.directory.models import Municipality, Topic

# The oblast with a margin (a point outside is a mistaken tap).
LAT_RANGE = (47.0, 51.6)
LON_RANGE = (41.0, 47.7)

# Photo types by their first bytes (the browser's content type is only a claim).
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


def photo_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an image by its first bytes, or None."""
    for signature, content_type, ext in _SIGNATURES:
        if head.startswith(signature):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic", ".heic"
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = settings.OTKLIK_WEBFORM_MAX_PHOTOS
        if len(files) > limit:
            raise forms.ValidationError(f"Можно приложить не больше {limit} фотографий.")
        max_mb = settings.OTKLIK_WEBFORM_MAX_PHOTO_MB
        for f in files:
            if f.size > max_mb * 1024 * 1024:
                raise forms.ValidationError(
                    f"Файл «{f.name}» больше {max_mb} МБ: уменьшите фотографию."
                )
            f.seek(0)
            kind = photo_type(f.read(16))
            f.seek(0)
            if kind is None:
                raise forms.ValidationError(
                    f"Файл «{f.name}» — не фотография: подходят JPEG, PNG, WebP, HEIC, GIF."
                )
            f.photo_type = kind
        return files


def normalise_phone(value: str) -> str:
    """+7XXXXXXXXXX from the usual ways of writing a Russian number, or '' if it is not one."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10:
        return ""
    return f"+7{digits}"


def topic_choices() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    topics = Topic.objects.filter(is_active=True).select_related("sector")
    for t in topics.order_by("sector__order", "order", "name"):
        groups.setdefault(t.sector.name, []).append((t.code, t.name))
    return [("", "Не знаю — определит ЦУР"), *groups.items()]


def municipality_choices() -> list[tuple[str, str]]:
    rows = Municipality.objects.order_by("-kind", "name").values_list("okato", "name", "kind")
    urban = [(o, n) for o, n, k in rows if k == "urban_okrug"]
    districts = [(o, f"{n} район") for o, n, k in rows if k != "urban_okrug"]
    return [
        ("", "Выберите город или район"),
        ("Городские округа", sorted(urban, key=lambda r: r[1])),
        ("Муниципальные районы", sorted(districts, key=lambda r: r[1])),
    ]


class ReportForm(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Опишите проблему",
        min_length=15,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Что случилось, где и с какого времени. Не пишите здесь свои данные — для них "
        "есть поля ниже.",
        error_messages={
            "required": "Опишите проблему.",
            "min_length": "Слишком коротко: опишите проблему подробнее "
            "(не меньше %(limit_value)d символов).",
            "max_length": "Слишком длинно: не больше %(limit_value)d символов.",
        },
    )
    topic = forms.ChoiceField(label="Тема", required=False)
    municipality = forms.ChoiceField(
        label="Город или район",
        error_messages={"required": "Выберите город или район, где проблема."},
    )
    address = forms.CharField(
        label="Адрес или ориентир",
        required=False,
        max_length=255,
        help_text="Улица, дом, подъезд, остановка — чтобы исполнитель нашёл место.",
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(
        label="Фотографии",
        required=False,
        help_text=f"До {settings.OTKLIK_WEBFORM_MAX_PHOTOS} фото, каждое не больше "
        f"{settings.OTKLIK_WEBFORM_MAX_PHOTO_MB} МБ.",
    )
    name = forms.CharField(label="Как к вам обращаться", required=False, max_length=255)
    phone = forms.CharField(label="Телефон", required=False, max_length=32)
    email = forms.EmailField(
        label="Электронная почта",
        required=False,
        error_messages={"invalid": "Проверьте адрес электронной почты."},
    )
    consent = forms.BooleanField(
        label="Я согласен(на) на обработку персональных данных",
        error_messages={
            "required": "Без согласия на обработку персональных данных сообщение не принять."
        },
    )
    # Honeypot: hidden from people (CSS, aria-hidden); robots fill every field.
    website = forms.CharField(label="Сайт", required=False)
    # Numbers of similar reports the citizen has already been shown (then «send» sends).
    similar_shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topic_choices()
        self.fields["municipality"].choices = municipality_choices()
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
        for name in ("name",):
            self.fields[name].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not phone:
            raise forms.ValidationError(
                "Проверьте номер телефона: нужен российский номер из 10 цифр после +7."
            )
        return phone

    def clean_topic(self) -> Topic | None:
        code = self.cleaned_data.get("topic")
        return Topic.objects.select_related("sector").filter(code=code).first() if code else None

    def clean_municipality(self) -> Municipality:
        okato = self.cleaned_data.get("municipality")
        found = Municipality.objects.filter(okato=okato).first()
        if found is None:
            raise forms.ValidationError("Выберите город или район из списка.")
        return found

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            data["lat"] = data["lon"] = None
        elif lat is not None and not (
            LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
        ):
            self.add_error(None, "Точка на карте вне Волгоградской области: отметьте её заново.")
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error(
                "phone",
                "Укажите телефон или электронную почту: по ним ЦУР свяжется с вами, "
                "если нужно уточнить.",
            )
        return data

    @property
    def shown_numbers(self) -> set[str]:
        value = (self.cleaned_data or {}).get("similar_shown") or ""
        return {n for n in value.split(",") if n}


class HintsForm(forms.Form):
    """What the hints endpoint reads from the form being filled (all optional)."""

    text = forms.CharField(required=False, max_length=5000)
    topic = forms.CharField(required=False, max_length=64)
    municipality = forms.CharField(required=False, max_length=11)
    address = forms.CharField(required=False, max_length=255)
    lat = forms.FloatField(required=False)
    lon = forms.FloatField(required=False)


def uploaded_photos(form: ReportForm) -> list[UploadedFile]:
    return list(form.cleaned_data.get("photos") or [])
