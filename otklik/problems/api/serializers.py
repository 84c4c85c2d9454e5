"""The ЦУР's lists of regional problems and the priority ranking over the API. A list travels
the route (kind ``problem_list``): it names its approval, whose verbs are the approvals API's."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.approvals.api.serializers import ApprovalLinkSerializer
from otklik.core.api import CodeField
from otklik.directory.models import Sector
from otklik.problems.models import Problem, ProblemList, ProblemListItem

SCORE = {"max_digits": 5, "decimal_places": 2}


class RankedProblemSerializer(serializers.ModelSerializer):
    """An open problem by its stored priority (0–100) and what it is made of."""

    sector = CodeField(slug_field="code", read_only=True)
    priority_score = serializers.DecimalField(**SCORE)
    priority_reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "status",
            "sector",
            "priority_score",
            "priority_reasons",
            "priority_on",
        ]


class ProblemListSerializer(serializers.ModelSerializer):
    """A list with its approval (context ``approvals`` {list id: approval})."""

    approval = serializers.SerializerMethodField()

    class Meta:
        model = ProblemList
        fields = ["id", "title", "period", "formed_on", "created_at", "approval"]

    @extend_schema_field(ApprovalLinkSerializer(allow_null=True))
    def get_approval(self, plan: ProblemList) -> dict | None:
        approval = self.context["approvals"].get(plan.pk)
        return ApprovalLinkSerializer(approval).data if approval else None


class ItemSerializer(serializers.ModelSerializer):
    """A problem on the list: its rank and score when the list was formed and the reasons of
    the score, its responsible block, the project or measures, its due date."""

    problem = serializers.PrimaryKeyRelatedField(read_only=True)
    title = serializers.CharField(source="problem.title")
    score = serializers.DecimalField(**SCORE)
    reasons = serializers.ListField(child=serializers.CharField())
    block = CodeField(source="sector", slug_field="code", read_only=True)

    class Meta:
        model = ProblemListItem
        fields = ["rank", "problem", "title", "score", "reasons", "block", "project", "due"]


class ProblemListDetailSerializer(ProblemListSerializer):
    items = serializers.SerializerMethodField()

    class Meta(ProblemListSerializer.Meta):
        fields = [*ProblemListSerializer.Meta.fields, "items"]

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, plan: ProblemList) -> list[dict]:
        rows = plan.items.select_related("problem", "sector").order_by("rank")
        return ItemSerializer(rows, many=True).data


class RankingQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=500, required=False, default=50)


class ProblemListIn(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    period = serializers.CharField(allow_blank=True, help_text="например, 2027-Q1 или 2027")
    top = serializers.IntegerField(help_text="сколько проблем с верха рейтинга (1–100)")
    due = serializers.DateField(help_text="срок по проблемам перечня")


class ItemIn(serializers.Serializer):
    """A line of a list still in the works (a draft or returned): who answers for the problem,
    with which project or measures, by when."""

    block = CodeField(
        slug_field="code", queryset=Sector.objects.all(), help_text="ответственный блок"
    )
    project = serializers.CharField(
        allow_blank=True, help_text="код и название проекта; пусто — меры по проблеме в реестре"
    )
    due = serializers.DateField()
