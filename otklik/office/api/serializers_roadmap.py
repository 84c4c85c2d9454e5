"""The ЦУР's roadmap and the programmes of the synchronisation with national projects over the
API (split from ``serializers`` by concern)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.core.api import CodeField
from otklik.directory.models import Organization
from otklik.office import selectors_roadmap
from otklik.office.api.serializers import PersonSerializer, _decimal
from otklik.office.choices import RoadmapStatus
from otklik.office.models import Programme, Project, RoadmapEvent, RoadmapItem


class NationalRowSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    project = serializers.CharField(source="indicator.project")
    unit = serializers.CharField(source="indicator.unit")
    period = serializers.CharField(help_text="последний период с планом и фактом; пусто — нет")
    target = _decimal(allow_null=True)
    actual = _decimal(allow_null=True)
    lag = _decimal(allow_null=True, help_text="недостигнутая доля плана, %; 0 — план достигнут")


class ProgrammeSerializer(serializers.ModelSerializer):
    parent = CodeField(slug_field="code", read_only=True, allow_null=True)
    blocks = CodeField(source="sectors", slug_field="code", many=True, read_only=True)
    projects = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    roadmap_items = serializers.SerializerMethodField()
    national = serializers.SerializerMethodField()
    lag = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "description",
            "parent",
            "blocks",
            "projects",
            "indicators",
            "roadmap_items",
            "national",
            "lag",
        ]

    def _row(self, programme: Programme):
        return self.context["rows"][programme.pk]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_projects(self, programme: Programme) -> list[str]:
        return [p.code for p in self._row(programme).projects]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_indicators(self, programme: Programme) -> list[str]:
        return [i.code for i in self._row(programme).indicators]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_roadmap_items(self, programme: Programme) -> list[int]:
        return [i.number for i in self._row(programme).items]

    @extend_schema_field(NationalRowSerializer(many=True))
    def get_national(self, programme: Programme) -> list[dict]:
        return NationalRowSerializer(self._row(programme).national, many=True).data

    @extend_schema_field(_decimal(allow_null=True, help_text="среднее отставание, %"))
    def get_lag(self, programme: Programme):
        lag = self._row(programme).lag
        return None if lag is None else str(lag.normalize())


class RoadmapEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = RoadmapEvent
        fields = ["at", "actor", "kind", "text"]


class RoadmapItemSerializer(serializers.ModelSerializer):
    owner = PersonSerializer()
    organization = CodeField(slug_field="code", read_only=True, allow_null=True)
    deadline = serializers.DateField(help_text="срок на рабочем календаре (перенос с выходного)")
    overdue = serializers.BooleanField()
    done_by = PersonSerializer(allow_null=True)
    programmes = CodeField(slug_field="code", many=True, read_only=True)
    projects = CodeField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = RoadmapItem
        fields = [
            "id",
            "number",
            "section",
            "title",
            "description",
            "owner",
            "organization",
            "due",
            "deadline",
            "overdue",
            "status",
            "evidence",
            "evidence_url",
            "done_on",
            "done_by",
            "programmes",
            "projects",
        ]


class RoadmapItemDetailSerializer(RoadmapItemSerializer):
    history = serializers.SerializerMethodField()

    class Meta(RoadmapItemSerializer.Meta):
        fields = [*RoadmapItemSerializer.Meta.fields, "history"]

    @extend_schema_field(RoadmapEventSerializer(many=True))
    def get_history(self, item: RoadmapItem) -> list[dict]:
        return RoadmapEventSerializer(selectors_roadmap.roadmap_history(item), many=True).data


class RoadmapQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=RoadmapStatus.choices, required=False)
    owner = serializers.CharField(required=False, help_text="логин ответственного")
    overdue = serializers.BooleanField(required=False, default=False)


def _owner(**kwargs):
    return CodeField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        help_text="логин ответственного",
        **kwargs,
    )


class _LinksIn(serializers.Serializer):
    organization = CodeField(
        slug_field="code",
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
        help_text="код организации",
    )
    programmes = CodeField(
        slug_field="code",
        queryset=Programme.objects.all(),
        many=True,
        required=False,
        help_text="коды национальных проектов и программ",
    )
    projects = CodeField(
        slug_field="code",
        queryset=Project.objects.all(),
        many=True,
        required=False,
        help_text="коды проектов блоков",
    )


class RoadmapCreateIn(_LinksIn):
    number = serializers.IntegerField(required=False, allow_null=True, default=None)
    section = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    owner = _owner()
    due = serializers.DateField()


class RoadmapPatchIn(_LinksIn):
    section = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    owner = _owner(required=False)
    due = serializers.DateField(required=False)


class RoadmapStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=RoadmapStatus.choices, help_text="«done» — только через …/done, с подтверждением"
    )
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RoadmapDoneIn(serializers.Serializer):
    evidence = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="документ: вид, номер, дата"
    )
    evidence_url = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="https://… или /office/…"
    )
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
