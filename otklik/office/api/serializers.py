"""The project office over the API: blocks, indicators with their plan and fact, projects with
their passport versions, a passport version (content, lines, diff), progress reports; the
passport in the structure it is stored in (``PassportSerializer``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.approvals.api.serializers import ApprovalSerializer
from otklik.approvals.selectors import approval_of
from otklik.core.api import CodeField
from otklik.directory.models import Sector
from otklik.office import passport, periods, selectors
from otklik.office.choices import Direction, PlanStatus, ProjectState
from otklik.office.measures import INDICATOR_MEASURES
from otklik.office.models import (
    Indicator,
    IndicatorFact,
    IndicatorTarget,
    PassportVersion,
    ProgressReport,
    Project,
)
from otklik.office.services import PASSPORT, REPORT


def _decimal(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=18, decimal_places=4, normalize_output=True, **kwargs
    )


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


# --------------------------------------------------------------------------- the passport
def _part(part: str) -> serializers.Field:
    if part == "targets":
        return serializers.DictField(
            child=serializers.CharField(),
            required=False,
            help_text="цели по периодам: {«2027-06»: «75», «2027»: «85»}",
        )
    return serializers.CharField(
        required=False, allow_blank=True, help_text="ГГГГ-ММ-ДД" if part == "date" else ""
    )


def _item(field: passport.Field) -> serializers.Field:
    if field.key == "problems":
        return serializers.IntegerField(help_text="номер региональной проблемы")
    if len(field.parts) == 1:
        return serializers.CharField(allow_blank=True)
    name = "Passport" + "".join(w.title() for w in field.key.split("_")) + "Serializer"
    return type(name, (serializers.Serializer,), {p: _part(p) for p in field.parts})()


def _content_field(field: passport.Field) -> serializers.Field:
    if not field.parts:
        return serializers.CharField(required=False, allow_blank=True, help_text=field.label)
    return serializers.ListField(child=_item(field), required=False, help_text=field.label)


PASSPORT_FORMAT = """A passport, given and returned in the structure it is stored in (what
``passport.content_from_text`` makes of the page's form): plain fields as text; tasks,
participants, risks and the links to national projects as lists of strings; indicators as
``{code, base, targets: {period: value}}``, results as ``{name, value, date}``, control points as
``{name, date, responsible}``, financing as ``{source, year, amount}``, regional problems as
numbers; dates ГГГГ-ММ-ДД. It is read by the reader of the page's form
(``passport.texts_from_content``, then ``passport.content_from_text``): the same rules and the
same messages, item N of a list named as its «строка N»; a value may not hold a line break or
«|» (in a target neither «;» nor «=»). In a request a field left out is empty when a project is
created, and kept as it is when a version is edited or a change request made."""

PassportSerializer = type(
    "PassportSerializer",
    (serializers.Serializer,),
    {
        "__doc__": PASSPORT_FORMAT,
        **{f.key: _content_field(f) for f in passport.FIELDS},
    },
)


class DiffLineSerializer(serializers.Serializer):
    sign = serializers.ChoiceField(
        choices=[("+", "добавлено"), ("-", "удалено"), (" ", "без изменений")]
    )
    text = serializers.CharField()


class ProjectRefSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="sector.code")

    class Meta:
        model = Project
        fields = ["id", "code", "name", "block"]


class PassportVersionSerializer(serializers.ModelSerializer):
    """A passport version: its content, as lines, what it changes against the version before
    (context ``previous``), and its approval."""

    project = ProjectRefSerializer()
    author = PersonSerializer(allow_null=True)
    content = PassportSerializer()
    lines = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField(help_text="номер предыдущей версии")
    diff = serializers.SerializerMethodField()
    approval = serializers.SerializerMethodField()

    class Meta:
        model = PassportVersion
        fields = [
            "id",
            "project",
            "number",
            "reason",
            "author",
            "created_at",
            "updated_at",
            "content",
            "lines",
            "previous",
            "diff",
            "approval",
        ]

    def get_lines(self, version: PassportVersion) -> list[str]:
        return passport.lines(version.content)

    def get_previous(self, version: PassportVersion) -> int | None:
        before = self.context["previous"]
        return before.number if before else None

    @extend_schema_field(DiffLineSerializer(many=True))
    def get_diff(self, version: PassportVersion) -> list[dict]:
        before = self.context["previous"]
        if before is None:
            return []
        return DiffLineSerializer(passport.diff(before.content, version.content), many=True).data

    @extend_schema_field(ApprovalSerializer(allow_null=True))
    def get_approval(self, version: PassportVersion) -> dict | None:
        approval = approval_of(kind=PASSPORT, target_id=version.pk)
        return ApprovalSerializer(approval).data if approval else None


class PassportInForceSerializer(serializers.ModelSerializer):
    content = PassportSerializer()
    lines = serializers.SerializerMethodField()

    class Meta:
        model = PassportVersion
        fields = ["id", "number", "content", "lines"]

    def get_lines(self, version: PassportVersion) -> list[str]:
        return passport.lines(version.content)


# --------------------------------------------------------------------------- projects
class PassportRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PassportVersion
        fields = ["id", "number"]


class ProjectSerializer(serializers.ModelSerializer):
    """A project; ``passport_in_force``: its latest approved passport version (null before the
    first approval), from context ``in_force`` {project id: version} read for the whole list
    at once (``selectors.passports_in_force``)."""

    block = serializers.CharField(source="sector.code")
    created_by = PersonSerializer(allow_null=True)
    passport_in_force = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "block",
            "state",
            "state_reason",
            "created_by",
            "created_at",
            "updated_at",
            "passport_in_force",
        ]

    def _in_force(self, project: Project) -> PassportVersion | None:
        if "in_force" not in self.context:
            self.context["in_force"] = selectors.passports_in_force([project])
        return self.context["in_force"].get(project.pk)

    @extend_schema_field(PassportRefSerializer(allow_null=True))
    def get_passport_in_force(self, project: Project) -> dict | None:
        version = self._in_force(project)
        return PassportRefSerializer(version).data if version else None


class VersionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="version.pk")
    number = serializers.IntegerField(source="version.number")
    reason = serializers.CharField(source="version.reason")
    author = PersonSerializer(source="version.author", allow_null=True)
    created_at = serializers.DateTimeField(source="version.created_at")
    approval = ApprovalSerializer(allow_null=True)


class ReportRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report.pk")
    period = serializers.CharField(source="report.period")
    due = serializers.DateField(source="report.due")
    approval = ApprovalSerializer(allow_null=True)


class ProjectDetailSerializer(ProjectSerializer):
    """A project with its passport versions (each with its approval), the passport in force
    (the latest approved version; null before the first approval) and its reports."""

    versions = serializers.SerializerMethodField()
    passport_in_force = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "versions", "reports"]

    @extend_schema_field(VersionRowSerializer(many=True))
    def get_versions(self, project: Project) -> list[dict]:
        return VersionRowSerializer(selectors.passport_versions(project), many=True).data

    @extend_schema_field(PassportInForceSerializer(allow_null=True))
    def get_passport_in_force(self, project: Project) -> dict | None:
        version = self._in_force(project)
        return PassportInForceSerializer(version).data if version else None

    @extend_schema_field(ReportRowSerializer(many=True))
    def get_reports(self, project: Project) -> list[dict]:
        rows = [{"report": r, "approval": a} for r, a in selectors.report_rows(project)]
        return ReportRowSerializer(rows, many=True).data


# --------------------------------------------------------------------------- indicators
class TargetSerializer(serializers.ModelSerializer):
    value = _decimal()

    class Meta:
        model = IndicatorTarget
        fields = ["period", "value"]


class FactSerializer(serializers.ModelSerializer):
    value = _decimal(allow_null=True)
    entered_by = PersonSerializer(allow_null=True)

    class Meta:
        model = IndicatorFact
        fields = ["period", "value", "computed", "evidence", "entered_by", "at"]


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator with its targets and its facts; ``approval``: the route of an additional
    one (null for a mandatory one), from context ``approvals`` {indicator id: approval}."""

    sector = CodeField(slug_field="code", read_only=True, allow_null=True)
    owner = PersonSerializer(allow_null=True)
    base_value = _decimal(allow_null=True)
    targets = TargetSerializer(many=True)
    facts = FactSerializer(many=True)
    approval = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "direction",
            "method",
            "kind",
            "state",
            "sector",
            "owner",
            "source",
            "measure",
            "base_value",
            "base_date",
            "targets",
            "facts",
            "approval",
        ]

    @extend_schema_field(ApprovalSerializer(allow_null=True))
    def get_approval(self, indicator: Indicator) -> dict | None:
        approval = self.context.get("approvals", {}).get(indicator.pk)
        return ApprovalSerializer(approval).data if approval else None


class TrendSerializer(serializers.Serializer):
    period = serializers.CharField()
    fact = serializers.CharField(allow_null=True)


class BoardRowSerializer(serializers.Serializer):
    """An indicator's plan and fact in the period asked (and the facts of the six months up to
    it): ``done`` — the plan is met, ``lag`` — behind, ``none`` — no plan or no fact."""

    indicator = IndicatorSerializer()
    plan = serializers.CharField(allow_null=True)
    fact = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    trend = TrendSerializer(many=True)
    approved = serializers.BooleanField()


class BoardSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.SerializerMethodField()
    indicators = BoardRowSerializer(many=True)

    def get_period_label(self, data: dict) -> str:
        return periods.label(data["period"])


# --------------------------------------------------------------------------- blocks
class BlockSerializer(serializers.Serializer):
    """A sector block; ``projects``: its projects by state, with ``total``."""

    code = serializers.CharField(source="sector.code")
    name = serializers.CharField(source="sector.name")
    lead = PersonSerializer(allow_null=True)
    deputies = PersonSerializer(source="deputies.all", many=True)
    projects = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_projects(self, block) -> dict[str, int]:
        return self.context["counts"].get(block.sector_id, {"total": 0})


class BlockDetailSerializer(BoardSerializer):
    """A block with its indicators' board in the period and its projects."""

    block = BlockSerializer()
    projects = ProjectSerializer(many=True)


# --------------------------------------------------------------------------- reports
class PlanFactSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    computed = serializers.BooleanField()
    plan = serializers.CharField(allow_null=True)
    fact = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    evidence = serializers.CharField(allow_blank=True)


class ReportPointSerializer(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.CharField(allow_blank=True)
    responsible = serializers.CharField(allow_blank=True, required=False)
    reached = serializers.BooleanField(allow_null=True, help_text="null — ещё не отмечена")
    reason = serializers.CharField(allow_blank=True)
    new_date = serializers.CharField(allow_blank=True)


ReportContentSerializer = type(
    "ReportContentSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "A report as prepared from the data and the passport in force, with the "
        "lead's marks.",
        "period": serializers.CharField(),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "passport_version": serializers.IntegerField(allow_null=True),
        "indicators": PlanFactSerializer(many=True),
        "control_points": ReportPointSerializer(many=True),
        "risks": serializers.CharField(allow_blank=True),
        "comment": serializers.CharField(allow_blank=True),
    },
)


class PeriodReportSerializer(serializers.ModelSerializer):
    """What a report of a period shows (a project's, a block's; the subclass names its project
    or block after ``id``), with its approval on the route (``approval_kind``)."""

    approval_kind = REPORT
    period_label = serializers.SerializerMethodField()
    author = PersonSerializer(allow_null=True)
    approval = serializers.SerializerMethodField()

    class Meta:
        fields = [
            "id",
            "period",
            "period_label",
            "due",
            "author",
            "created_at",
            "updated_at",
            "content",
            "approval",
        ]

    def get_period_label(self, report) -> str:
        return periods.label(report.period)

    @extend_schema_field(ApprovalSerializer(allow_null=True))
    def get_approval(self, report) -> dict | None:
        approval = approval_of(kind=self.approval_kind, target_id=report.pk)
        return ApprovalSerializer(approval).data if approval else None


class ReportSerializer(PeriodReportSerializer):
    project = ProjectRefSerializer()
    content = ReportContentSerializer()

    class Meta:
        model = ProgressReport
        fields = ["id", "project", *PeriodReportSerializer.Meta.fields[1:]]


# --------------------------------------------------------------------------- requests
def _block_field(**kwargs) -> CodeField:
    return CodeField(
        slug_field="code", queryset=Sector.objects.all(), help_text="код блока", **kwargs
    )


class PeriodQuery(serializers.Serializer):
    period = serializers.CharField(
        required=False, help_text="«2026-11», «2026-Q4» или «2026»; по умолчанию прошлый месяц"
    )


class IndicatorQuery(PeriodQuery):
    block = _block_field(required=False)


class ProjectQuery(serializers.Serializer):
    block = _block_field(required=False)
    state = serializers.ChoiceField(choices=ProjectState.choices, required=False)


class ProjectCreateIn(serializers.Serializer):
    block = _block_field()
    name = serializers.CharField(allow_blank=True)
    passport = PassportSerializer(required=False, help_text="поля, которых нет, пусты")


class PassportPatchIn(serializers.Serializer):
    name = serializers.CharField(
        required=False, help_text="наименование проекта (только в версии 1)"
    )
    passport = PassportSerializer(
        required=False, help_text="поля, которые меняются; остальные остаются как есть"
    )


class ChangeRequestIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="что меняется и почему")
    passport = PassportSerializer(
        required=False,
        help_text="поля, которые меняются; остальные — как в утверждённой версии",
    )


class ReportPrepareIn(serializers.Serializer):
    period = serializers.CharField(help_text="«2026-11», «2026-Q4» или «2026»")


class PointIn(serializers.Serializer):
    reached = serializers.BooleanField(allow_null=True, required=False, default=None)
    reason = serializers.CharField(allow_blank=True, required=False, default="")
    new_date = serializers.DateField(allow_null=True, required=False, default=None)


class ReportPatchIn(serializers.Serializer):
    control_points = serializers.ListField(
        child=PointIn(),
        required=False,
        help_text="отметки всех контрольных точек отчёта по порядку; не достигнута — с "
        "причиной и новым сроком",
    )
    comment = serializers.CharField(required=False, allow_blank=True)
    risks = serializers.CharField(required=False, allow_blank=True)
    refresh = serializers.BooleanField(
        required=False, default=False, help_text="заново заполнить показатели по данным"
    )


class IndicatorProposeIn(serializers.Serializer):
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.UP)
    method = serializers.CharField(allow_blank=True, required=False, default="")
    block = _block_field(required=False, allow_null=True, default=None)
    measure = serializers.ChoiceField(
        choices=[
            ("", "вносится ответственным"),
            *((m.code, m.label) for m in INDICATOR_MEASURES.values()),
        ],
        required=False,
        default="",
    )
    base_value = _decimal(required=False, allow_null=True, default=None)
    targets = serializers.DictField(child=_decimal(), required=False, default=dict)


class FactIn(serializers.Serializer):
    period = serializers.CharField()
    value = _decimal()
    evidence = serializers.CharField(allow_blank=True, help_text="документ, ссылка, источник")
