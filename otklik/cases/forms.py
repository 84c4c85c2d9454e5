"""Forms of the operator UI: they parse input only; the services decide and change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from otklik.cases.choices import Priority
from otklik.cases.limits import ANSWER_MAX_LENGTH, NOTE_MAX_LENGTH, chars, length_validator
from otklik.cases.models import RoutingRule
from otklik.core.widgets import PrerenderedMixin, PrerenderedSelect, PrerenderedSelectMultiple
from otklik.directory import selectors as directory

TEXTAREA = {"rows": 3}
REASON = [length_validator(NOTE_MAX_LENGTH, "причины")]
COMMENT = [length_validator(NOTE_MAX_LENGTH, "комментария")]
SCORE_CHOICES = [("", "без оценки"), *[(str(n), str(n)) for n in range(1, 6)]]


def _organizations(user: Any):
    return directory.organization_list(user=user, valid_on=timezone.localdate())


class OrganizationChoiceField(forms.ModelChoiceField):
    widget = PrerenderedSelect

    def label_from_instance(self, obj: Any) -> str:
        return obj.short_name


class OrganizationsChoiceField(forms.ModelMultipleChoiceField):
    widget = PrerenderedSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return obj.short_name


class _WithOrganizations(forms.Form):
    """Organisation choices in force today. The queryset validates what is posted; the options
    shown by the code-valued fields come from the reference books, rendered once per version."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = _organizations(user)
        books = directory.reference_books(user=user)
        today = timezone.localdate()
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = orgs
                if field.to_field_name == "code" and isinstance(field.widget, PrerenderedMixin):
                    empty = [] if field.empty_label is None else [("", field.empty_label)]
                    field.widget.choices = [*empty, *books.organization_choices(valid_on=today)]
                    field.widget.prerender(
                        store=books.rendered, key=("organizations", today, field.empty_label)
                    )


class AcceptForm(_WithOrganizations):
    organization = OrganizationChoiceField(
        label="Ответственная организация",
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label="по правилам маршрутизации",
    )
    priority = forms.ChoiceField(label="Приоритет", choices=Priority.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина", widget=forms.Textarea(attrs=TEXTAREA), validators=REASON
    )


class AssignForm(_WithOrganizations):
    organization = OrganizationChoiceField(
        label="Ответственная организация", queryset=None, to_field_name="code"
    )
    co_executors = OrganizationsChoiceField(
        label="Соисполнители",
        queryset=None,
        required=False,
        to_field_name="code",
        widget=PrerenderedSelectMultiple(attrs={"size": 5}),
        help_text="Можно выбрать несколько (Ctrl или ⌘ при щелчке).",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (single(d, initial) for d in items if d) if f]


class AnswerForm(forms.Form):
    template = forms.ChoiceField(label="Шаблон ответа", required=False)
    text = forms.CharField(
        label="Текст ответа",
        widget=forms.Textarea(attrs={"rows": 8, "id": "answer-text"}),
        validators=[length_validator(ANSWER_MAX_LENGTH, "ответа")],
        help_text=f"Не больше {chars(ANSWER_MAX_LENGTH)}; подробности можно приложить файлом.",
    )
    intermediate = forms.BooleanField(
        label="Промежуточный ответ (работа продолжается)", required=False
    )
    files = MultipleFileField(label="Файлы", required=False)

    def __init__(self, *args: Any, templates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            ("", "— без шаблона —"),
            *((str(t.pk), t.title) for t in templates),
        ]


class ModerateForm(forms.Form):
    answer = forms.IntegerField(widget=forms.HiddenInput)
    quality_score = forms.TypedChoiceField(
        label="Оценка качества",
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(
        label="Что доработать",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=[length_validator(NOTE_MAX_LENGTH, "замечания")],
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Номер основного инцидента",
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "2026-0000123"}),
    )


class SplitForm(forms.Form):
    messages = forms.TypedMultipleChoiceField(
        label="Сообщения, которые относятся к другой проблеме",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, messages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["messages"].choices = [
            (m.pk, f"{timezone.localtime(m.received_at):%d.%m.%Y %H:%M} · {m.text[:80]}")
            for m in messages
        ]


class RedirectForm(_WithOrganizations):
    organization = OrganizationChoiceField(
        label="Кому переадресовать", queryset=None, to_field_name="code"
    )
    reason = forms.CharField(
        label="Обоснование (почему это компетенция другой организации)",
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=REASON,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "принять"), ("refuse", "отказать")])
    comment = forms.CharField(
        label="Комментарий ЦУР",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=COMMENT,
    )


class RequestInfoForm(forms.Form):
    question = forms.CharField(
        label="Вопрос заявителю (что нужно уточнить)",
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=[length_validator(NOTE_MAX_LENGTH, "вопроса")],
        help_text="Уйдёт заявителю в канал обращения. Пока ждём ответа, срок приостанавливается, "
        "если это допускает правило сроков.",
    )


class ResumeForm(forms.Form):
    reason = forms.CharField(
        label="Почему возобновляем без ответа заявителя",
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=REASON,
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="На сколько дней", min_value=1, max_value=365)
    reason = forms.CharField(
        label="Обоснование (почему нужен дополнительный срок)",
        widget=forms.Textarea(attrs=TEXTAREA),
        validators=REASON,
    )


BULK_ACTIONS = [
    ("accept", "Принять (по правилам маршрутизации)"),
    ("reject", "Ответ не требуется (с причиной)"),
    ("assign", "Назначить организации"),
]


class BulkForm(_WithOrganizations):
    action = forms.ChoiceField(label="Действие", choices=BULK_ACTIONS)
    cases = forms.MultipleChoiceField(required=False)  # numbers; checked by the selector
    reason = forms.CharField(
        label="Причина (для «ответ не требуется»)", required=False, validators=REASON
    )
    organization = OrganizationChoiceField(
        label="Организация (для «назначить»)",
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label="— выберите —",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        numbers = self.data.getlist("cases") if hasattr(self.data, "getlist") else []
        self.fields["cases"].choices = [(n, n) for n in numbers]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("cases"):
            raise forms.ValidationError("Отметьте инциденты в списке.")
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Укажите причину, почему ответ не требуется.")
        if data.get("action") == "assign" and data.get("organization") is None:
            self.add_error("organization", "Выберите организацию.")
        return data


class RoutingRuleForm(_WithOrganizations):
    order = forms.IntegerField(label="Порядок", min_value=0, initial=100)
    name = forms.CharField(label="Название", max_length=255, required=False)
    sector = forms.ModelChoiceField(
        label="Отраслевой блок", queryset=None, required=False, empty_label="любой"
    )
    topic = forms.ModelChoiceField(label="Тема", queryset=None, required=False, empty_label="любая")
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=None, required=False, empty_label="любое"
    )
    channel = forms.ModelChoiceField(
        label="Канал", queryset=None, required=False, empty_label="любой"
    )
    organization = OrganizationChoiceField(
        label="Организация", queryset=None, required=False, empty_label="— выберите —"
    )
    to_municipal_administration = forms.BooleanField(
        label="Администрации МО по месту проблемы (вместо организации)", required=False
    )
    is_active = forms.BooleanField(label="Действует", required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["sector"].queryset = directory.sector_list(user=user)
        self.fields["topic"].queryset = directory.topic_list(user=user)
        self.fields["municipality"].queryset = directory.municipality_list(user=user)
        self.fields["channel"].queryset = directory.channel_list(user=user)

    @classmethod
    def initial_for(cls, rule: RoutingRule) -> dict[str, Any]:
        initial = {
            name: getattr(rule, name)
            for name in ("order", "name", "sector", "topic", "municipality", "channel")
        }
        initial["organization"] = rule.organization
        initial["to_municipal_administration"] = rule.to_municipal_administration
        initial["is_active"] = rule.is_active
        return initial

    def rule_fields(self) -> dict[str, Any]:
        """The values for ``routing_rule_save``."""
        return dict(self.cleaned_data)


class TopicCorrectionForm(forms.Form):
    """«Это другая тема» of the case page's analysis panel: an active topic by its code."""

    topic = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        error_messages={
            "required": "Выберите тему из списка.",
            "invalid_choice": "Выберите тему из списка.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from otklik.directory.models import Topic

        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)


class SurveyForm(forms.Form):
    solved = forms.TypedChoiceField(
        label="Проблема решена?",
        choices=[("yes", "Да, решена"), ("no", "Нет, не решена")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Ответьте, решена ли проблема."},
    )
    rating = forms.TypedChoiceField(
        label="Оцените ответ от 1 до 5",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Комментарий (по желанию)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
