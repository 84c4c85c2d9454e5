from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.cases.choices import Priority
from otklik.cases.limits import ANSWER_MAX_LENGTH, NOTE_MAX_LENGTH, too_long
from otklik.cases.models import Answer, Case, CaseEvent, CasePause, RoutingRule
from otklik.cases.selectors import CASE_VERBS, case_actions
from otklik.core.api import CodeField, id_field
from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic


class CaseListSerializer(serializers.ModelSerializer):
    sector = CodeField(slug_field="code", read_only=True, allow_null=True)
    topic = CodeField(slug_field="code", read_only=True, allow_null=True)
    municipality = CodeField(slug_field="okato", read_only=True, allow_null=True)
    organization = CodeField(slug_field="code", read_only=True, allow_null=True)
    channel = CodeField(slug_field="code", read_only=True)
    kind = CodeField(slug_field="code", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "status",
            "priority",
            "title",
            "kind",
            "channel",
            "sector",
            "topic",
            "municipality",
            "organization",
            "address",
            "received_at",
            "first_response_due",
            "resolution_due",
            "warning_level",
            "breached_at",
            "reopen_count",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "actor", "kind", "from_status", "to_status", "text", "data"]


class AnswerSerializer(serializers.ModelSerializer):
    organization = CodeField(slug_field="code", read_only=True)

    class Meta:
        model = Answer
        fields = [
            "id",
            "organization",
            "text",
            "is_intermediate",
            "status",
            "moderation_comment",
            "quality_score",
            "created_at",
            "published_at",
        ]


class CasePauseSerializer(serializers.ModelSerializer):
    reply = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="message id"
    )

    class Meta:
        model = CasePause
        fields = ["status", "started_at", "ended_at", "question", "reply"]


class CaseActionSerializer(serializers.Serializer):
    verb = serializers.ChoiceField(
        choices=list(CASE_VERBS), help_text="the endpoint: POST /api/v1/cases/{id}/{verb}"
    )
    label = serializers.CharField()


class CaseDetailSerializer(CaseListSerializer):
    """A case; ``actions`` are the verbs the requesting user may take on it now (needs the
    request in the serializer's context)."""

    co_executors = CodeField(slug_field="code", many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    pauses = CasePauseSerializer(
        many=True,
        read_only=True,
        help_text="waits for the author's information; they stop the clock when the policy "
        "lists their state in its pause states",
    )
    message_ids = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "co_executors",
            "registration_due",
            "first_response_at",
            "answered_at",
            "published_at",
            "closed_at",
            "extension_days",
            "escalation_level",
            "sla_policy",
            "message_ids",
            "events",
            "answers",
            "pauses",
            "actions",
        ]

    def get_message_ids(self, case) -> list[int]:
        return [m.pk for m in case.messages.all()]  # prefetched by ``case_prefetch_details``

    @extend_schema_field(CaseActionSerializer(many=True))
    def get_actions(self, case) -> list[dict]:
        allowed = case_actions(user=self.context["request"].user, case=case)
        return [{"verb": a.verb, "label": a.label} for a in allowed.actions]


# --- verbs ---------------------------------------------------------------------------------
def _org():
    return CodeField(slug_field="code", queryset=Organization.objects.all())


def _text(what: str, limit: int = NOTE_MAX_LENGTH, **kwargs: Any) -> serializers.CharField:
    """A staff text with its limit (in the schema too), refused in the words of the service."""
    return serializers.CharField(
        max_length=limit, error_messages={"max_length": too_long(what, limit)}, **kwargs
    )


class AcceptIn(serializers.Serializer):
    organization = CodeField(
        slug_field="code",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="default: the routing rules",
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class ReasonIn(serializers.Serializer):
    reason = _text("причины")


class AssignIn(serializers.Serializer):
    organization = _org()
    co_executors = CodeField(
        slug_field="code", many=True, required=False, queryset=Organization.objects.all()
    )


class RedirectIn(serializers.Serializer):
    organization = _org()
    reason = _text("причины")


class DecisionIn(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = _text("комментария", required=False, allow_blank=True, default="")


class RequestInfoIn(serializers.Serializer):
    question = _text("вопроса", help_text="what the author is asked (sent through the outbox)")


class ResumeIn(serializers.Serializer):
    reason = _text("причины", help_text="why work resumes without the author's reply")


class ExtendIn(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    reason = _text("причины")


class AnswerIn(serializers.Serializer):
    text = _text("ответа", ANSWER_MAX_LENGTH)
    intermediate = serializers.BooleanField(required=False, default=False)


class ModerateIn(serializers.Serializer):
    answer = id_field(help_text="answer id")
    quality_score = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    reason = _text(
        "замечания", required=False, allow_blank=True, default="", help_text="required to return"
    )


class MergeIn(serializers.Serializer):
    into = serializers.CharField(help_text="number of the case to merge into")


class SplitIn(serializers.Serializer):
    messages = serializers.ListField(child=id_field(), min_length=1)


class RoutingRuleSerializer(serializers.ModelSerializer):
    sector = CodeField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True
    )
    topic = CodeField(
        slug_field="code", queryset=Topic.objects.all(), required=False, allow_null=True
    )
    municipality = CodeField(
        slug_field="okato", queryset=Municipality.objects.all(), required=False, allow_null=True
    )
    channel = CodeField(
        slug_field="code", queryset=Channel.objects.all(), required=False, allow_null=True
    )
    organization = CodeField(slug_field="code", queryset=Organization.objects.all())

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "order",
            "name",
            "sector",
            "topic",
            "municipality",
            "channel",
            "organization",
            "is_active",
        ]
