"""The blocks' progress reports over the API: a report with its content as stored (the
snapshot of the data and the lead's part) and its approval; the requests to prepare one and
to change the lead's part."""

from __future__ import annotations

from rest_framework import serializers

from otklik.office.api.serializers import PeriodReportSerializer, PlanFactSerializer
from otklik.office.choices import ReportStanding
from otklik.office.models import BlockReport
from otklik.office.services_block_reports import BLOCK_REPORT


class ProjectStandingSerializer(serializers.Serializer):
    project_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    report_id = serializers.IntegerField(allow_null=True, help_text="null — отчёта за период нет")
    due = serializers.DateField()
    standing = serializers.ChoiceField(choices=ReportStanding.choices)


class BlockPointSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="код проекта")
    name = serializers.CharField()
    date = serializers.DateField()
    responsible = serializers.CharField(allow_blank=True)
    reached = serializers.BooleanField(allow_null=True, help_text="null — не отмечена в отчёте")
    reason = serializers.CharField(allow_blank=True)
    new_date = serializers.CharField(allow_blank=True)


class BlockRiskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.CharField(help_text="код проекта")
    description = serializers.CharField()
    owner = serializers.CharField()
    probability = serializers.CharField()
    impact = serializers.CharField()
    status = serializers.CharField()
    measures = serializers.CharField(allow_blank=True)
    due = serializers.DateField()
    overdue = serializers.BooleanField()


BlockReportContentSerializer = type(
    "BlockReportContentSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "A block's report as prepared from the data on ``as_of``, with the lead's "
        "comment and reasons; ``summary``: the projects' reports by standing.",
        "period": serializers.CharField(),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "as_of": serializers.DateField(),
        "indicators": PlanFactSerializer(many=True),
        "projects": ProjectStandingSerializer(many=True),
        "summary": serializers.DictField(child=serializers.IntegerField()),
        "control_points": BlockPointSerializer(many=True),
        "risks": BlockRiskSerializer(many=True),
        "comment": serializers.CharField(allow_blank=True),
    },
)


class BlockReportSerializer(PeriodReportSerializer):
    approval_kind = BLOCK_REPORT
    block = serializers.CharField(source="block.sector.code", help_text="код блока")
    content = BlockReportContentSerializer()

    class Meta:
        model = BlockReport
        fields = ["id", "block", *PeriodReportSerializer.Meta.fields[1:]]


class BlockReportPatchIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True)
    reasons = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="причины по всем контрольным точкам отчёта по порядку; у не достигнутой — "
        "непустая",
    )
    refresh = serializers.BooleanField(
        required=False, default=False, help_text="заново заполнить отчёт по данным"
    )


class SubmitIn(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
