"""Requests and tasks over the API: what is read and what the verbs take."""

from __future__ import annotations

import base64
import binascii

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.core.api import CodeField
from otklik.correspondence.choices import AssignmentKind, IncomingSource, ItemState
from otklik.correspondence.files import Upload
from otklik.correspondence.models import Assignment, Incoming, Item, ItemEvent, Reply, StoredFile
from otklik.directory.models import Organization, Sector


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


class FileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = StoredFile
        fields = ["id", "name", "content_type", "size", "sha256", "url"]

    def get_url(self, f) -> str:
        return reverse("correspondence:file", args=[f.pk])


class FileIn(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    content_type = serializers.CharField(max_length=128, required=False, default="")
    content = serializers.CharField(help_text="содержимое файла в base64")

    def validate(self, attrs):
        try:
            data = base64.b64decode(attrs["content"], validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError({"content": ["не base64."]}) from None
        return Upload(attrs["name"], data, attrs["content_type"])


class RowSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    organization = serializers.CharField(source="item.organization.code")
    organization_name = serializers.CharField(source="organization")
    state = serializers.CharField()
    state_label = serializers.CharField()
    deadline = serializers.DateField(source="item.deadline")
    answered_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()
    overdue = serializers.BooleanField()
    escalated = serializers.BooleanField()
    returns = serializers.IntegerField()
    excerpt = serializers.CharField()
    files = serializers.IntegerField()


class AssignmentSerializer(serializers.ModelSerializer):
    sector = CodeField(slug_field="code", read_only=True, allow_null=True)
    sender = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "kind", "subject", "due", "sector", "sender", "sent_at", "measure"]

    def get_sender(self, a) -> str:
        return _person(a.sender)


class AssignmentDetailSerializer(AssignmentSerializer):
    text = serializers.CharField()
    files = FileSerializer(many=True, read_only=True)
    table = serializers.SerializerMethodField()
    summary = serializers.CharField()
    approval = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "text", "files", "table", "summary",
                  "approval"]  # fmt: skip

    def get_table(self, a) -> list[dict]:
        return RowSerializer(self.context["rows"], many=True).data

    def get_approval(self, a) -> dict | None:
        from otklik.approvals.api.serializers import ApprovalSerializer

        approval = self.context.get("approval")
        return ApprovalSerializer(approval).data if approval else None


class SendIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    subject = serializers.CharField(max_length=512)
    text = serializers.CharField()
    due = serializers.DateField()
    organizations = CodeField(slug_field="code", queryset=Organization.objects.all(), many=True)
    sector = CodeField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True,
        default=None,
    )  # fmt: skip
    files = FileIn(many=True, required=False, default=list)


class SummaryIn(serializers.Serializer):
    text = serializers.CharField()
    early = serializers.BooleanField(required=False, default=False)


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    files = FileSerializer(many=True, read_only=True)

    class Meta:
        model = Reply
        fields = ["id", "text", "author", "at", "files"]

    def get_author(self, r) -> str:
        return _person(r.author)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ItemEvent
        fields = ["kind", "actor", "text", "at"]

    def get_actor(self, e) -> str:
        return _person(e.actor)


class CorrItemSerializer(serializers.ModelSerializer):
    organization = CodeField(slug_field="code", read_only=True)
    assignment = AssignmentSerializer(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["id", "assignment", "organization", "state", "deadline", "answered_at",
                  "accepted_at", "returns", "overdue", "escalated_on"]  # fmt: skip

    def get_overdue(self, item) -> bool:
        from otklik.correspondence.selectors import is_overdue

        return is_overdue(item, self.context["today"])


class CorrItemDetailSerializer(CorrItemSerializer):
    text = serializers.CharField(source="assignment.text")
    files = FileSerializer(source="assignment.files", many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    history = EventSerializer(source="events", many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(CorrItemSerializer.Meta):
        fields = [*CorrItemSerializer.Meta.fields, "text", "files", "replies", "history", "actions"]

    def get_actions(self, item) -> list[str]:
        from otklik.correspondence.selectors import item_actions

        return item_actions(user=self.context["user"], item=item)


class CorrItemQuery(serializers.Serializer):
    state = serializers.ChoiceField(choices=ItemState.choices, required=False)


class CorrAnswerIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    files = FileIn(many=True, required=False, default=list)


class CorrAcceptIn(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class CorrReasonIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class IncomingSerializer(serializers.ModelSerializer):
    sector = CodeField(slug_field="code", read_only=True, allow_null=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Incoming
        fields = ["id", "source", "sender_name", "their_number", "their_date", "subject", "text",
                  "due", "deadline", "sector", "assignee", "state", "answer_text", "answer_parts",
                  "closed_at", "escalated_on", "files", "approval"]  # fmt: skip

    approval = serializers.SerializerMethodField()

    def get_files(self, i) -> list[dict]:
        return FileSerializer(i.files.all(), many=True).data

    def get_approval(self, i) -> dict | None:
        from otklik.approvals.api.serializers import ApprovalSerializer
        from otklik.approvals.selectors import approval_of
        from otklik.correspondence.services_incoming import ANSWER

        approval = approval_of(kind=ANSWER, target_id=i.pk)
        return ApprovalSerializer(approval).data if approval else None


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.SlugRelatedField):
    """An active user by login."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", **kwargs)

    def get_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True)


class IncomingIn(serializers.Serializer):
    source = serializers.ChoiceField(choices=IncomingSource.choices)
    sender_name = serializers.CharField(max_length=512)
    their_number = serializers.CharField(max_length=64)
    their_date = serializers.DateField()
    subject = serializers.CharField(max_length=512)
    text = serializers.CharField()
    due = serializers.DateField()
    sector = CodeField(
        slug_field="code", queryset=Sector.objects.all(), required=False, allow_null=True,
        default=None,
    )  # fmt: skip
    assignee = PersonField(required=False, allow_null=True, default=None)
    files = FileIn(many=True, required=False, default=list)


class IncomingAssignIn(serializers.Serializer):
    assignee = PersonField()


class PartIn(serializers.Serializer):
    part = serializers.CharField()
    month = serializers.CharField()


class IncomingAnswerIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    parts = PartIn(many=True, required=False, default=list)
    files = FileIn(many=True, required=False, default=list)
