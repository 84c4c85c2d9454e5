"""The route over the API: an approval (its state and step), its route and its sheet, and the
body of a verb. The documents themselves are their owners' (the approvals app knows them only
by kind and key)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.approvals.choices import Decision, Verb
from otklik.approvals.models import Approval, ApprovalEvent
from otklik.approvals.registry import kind_get
from otklik.core.roles import Role

VERBS = ("submit", "agree", "approve", "return", "comment")


class RouteStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    verb = serializers.ChoiceField(choices=Verb.choices)
    role = serializers.ChoiceField(choices=Role.choices)
    label = serializers.CharField()
    days = serializers.IntegerField(help_text="рабочих дней на шаг")


class SheetLineSerializer(serializers.ModelSerializer):
    """A line of the approval sheet («лист согласования»)."""

    actor = serializers.StringRelatedField(allow_null=True)
    actor_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = ApprovalEvent
        fields = [
            "decision",
            "step",
            "step_label",
            "actor",
            "actor_id",
            "role",
            "text",
            "confirmation",
            "at",
        ]


class ApprovalSerializer(serializers.ModelSerializer):
    """A version of a document on the route: where it stands and until when."""

    kind_label = serializers.SerializerMethodField()
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    author = serializers.StringRelatedField(allow_null=True)
    approved_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Approval
        fields = [
            "id",
            "kind",
            "kind_label",
            "target_id",
            "title",
            "version",
            "reason",
            "sector",
            "author",
            "state",
            "step",
            "step_label",
            "step_role",
            "step_verb",
            "step_since",
            "step_due",
            "submitted_at",
            "approved_at",
            "approved_by",
        ]

    def get_kind_label(self, approval: Approval) -> str:
        return kind_get(approval.kind).label


class ApprovalDetailSerializer(ApprovalSerializer):
    """An approval with its route, its sheet and the verbs the requesting user may post now
    (``POST /api/v1/approvals/{id}/{verb}``); built from ``approval_panel`` (context ``panel``)."""

    route = RouteStepSerializer(many=True, read_only=True)
    sheet = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField(help_text="страница документа")

    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "route", "sheet", "actions", "document"]

    @extend_schema_field(SheetLineSerializer(many=True))
    def get_sheet(self, approval: Approval) -> list[dict]:
        return SheetLineSerializer(self.context["panel"]["sheet"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=VERBS)))
    def get_actions(self, approval: Approval) -> list[str]:
        panel = self.context["panel"]
        verbs = ["submit"] if panel["may_submit"] else []
        if panel["may_decide"]:
            verbs += [approval.step_verb, Decision.RETURN.value]
        if panel["may_comment"]:
            verbs.append("comment")
        return verbs

    def get_document(self, approval: Approval) -> str:
        return self.context["panel"]["kind"].url(approval)


class TextIn(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="комментарий (необязательно)"
    )


class ApproveIn(TextIn):
    """Approving signs the document (simple electronic signature, 63-ФЗ art. 9): the approver
    confirms the identity now."""

    password = serializers.CharField(
        allow_blank=True, default="", trim_whitespace=False, help_text="пароль подписывающего"
    )
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="одноразовый код (обязателен, если у пользователя включён второй фактор)",
    )


class ReturnIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="что нужно доработать (обязательно)")


class CommentIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="замечание")


class ApprovalLinkSerializer(ApprovalSerializer):
    """A document's approval as its owner's API names it: where it stands, and ``url`` — the
    approvals API where it is read and where its verbs are posted (``{url}/submit``, …)."""

    url = serializers.SerializerMethodField(help_text="/api/v1/approvals/{id}")

    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "url"]

    def get_url(self, approval: Approval) -> str:
        return reverse("approval-detail", args=[approval.pk])
