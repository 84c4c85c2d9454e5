"""The project office's working documents over the API: risks, questions for the curator's
decision and their tasks, working and expert groups with their compositions, consolidated
plans and the assessment of the blocks' leads. Each document travelling the route names its
approval (``approval.url``: the approvals API, where its verbs are posted)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from otklik.approvals.api.serializers import ApprovalLinkSerializer
from otklik.core.api import CodeField, id_field
from otklik.office import periods, selectors
from otklik.office.api.serializers import (
    DiffLineSerializer,
    PersonSerializer,
    ProjectRefSerializer,
    _block_field,
)
from otklik.office.assessment import WEIGHTS
from otklik.office.choices import GroupKind, MemberRole, RiskImpact, RiskProbability, RiskStatus
from otklik.office.models import (
    Assessment,
    ConsolidatedPlan,
    CuratorQuestion,
    DecisionTask,
    Group,
    GroupMember,
    Risk,
)

User = get_user_model()
PRINT_FORMATS = ("pdf", "docx")  # office.views.PRINT_TYPES: what plan_print renders


def _login(**kwargs) -> CodeField:
    kwargs.setdefault("help_text", "логин")
    return CodeField(slug_field="username", queryset=User.objects.all(), **kwargs)


def _approval(kind: str, pk: int) -> dict | None:
    approval = selectors.approvals_by_target(kind, [pk]).get(pk)
    return ApprovalLinkSerializer(approval).data if approval else None


APPROVAL_FIELD = extend_schema_field(ApprovalLinkSerializer(allow_null=True))


# --------------------------------------------------------------------------- risks
class RiskSerializer(serializers.ModelSerializer):
    """A risk of a project; ``overdue``: open or being mitigated past its due date."""

    project = ProjectRefSerializer()
    owner = PersonSerializer()
    author = PersonSerializer(allow_null=True)
    report = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    overdue = serializers.BooleanField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "project",
            "report",
            "description",
            "owner",
            "probability",
            "impact",
            "measures",
            "status",
            "status_reason",
            "due",
            "overdue",
            "author",
            "created_at",
            "updated_at",
        ]


class QuestionSerializer(serializers.ModelSerializer):
    """A question for the curator's decision: from a risk or from a progress report;
    ``overdue`` — undecided past its due date, ``tasks_late`` — its tasks overdue."""

    project = ProjectRefSerializer()
    risk = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    report = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    raised_by = PersonSerializer(allow_null=True)
    decided_by = PersonSerializer(allow_null=True)
    overdue = serializers.BooleanField()
    tasks_late = serializers.IntegerField()

    class Meta:
        model = CuratorQuestion
        fields = [
            "id",
            "project",
            "risk",
            "report",
            "text",
            "proposal",
            "due",
            "overdue",
            "raised_by",
            "decision",
            "decided_on",
            "decided_by",
            "tasks_late",
            "created_at",
        ]


class TaskSerializer(serializers.ModelSerializer):
    """A task of the curator's decision; ``overdue``: not done past its due date."""

    question = serializers.PrimaryKeyRelatedField(read_only=True)
    project = ProjectRefSerializer(source="question.project")
    responsible = PersonSerializer()
    done_by = PersonSerializer(allow_null=True)
    overdue = serializers.BooleanField()

    class Meta:
        model = DecisionTask
        fields = [
            "id",
            "question",
            "project",
            "text",
            "responsible",
            "due",
            "overdue",
            "done_on",
            "done_by",
        ]


class QuestionDetailSerializer(QuestionSerializer):
    tasks = serializers.SerializerMethodField()

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "tasks"]

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, question: CuratorQuestion) -> list[dict]:
        rows = selectors.task_list(question=question, today=self.context["today"])
        return TaskSerializer(rows, many=True).data


class RiskDetailSerializer(RiskSerializer):
    """A risk with the questions raised from it."""

    questions = serializers.SerializerMethodField()

    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "questions"]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, risk: Risk) -> list[dict]:
        rows = selectors.question_list(
            user=self.context["user"], today=self.context["today"], risk=risk
        )
        return QuestionSerializer(rows, many=True).data


class RiskQuery(serializers.Serializer):
    project = id_field(required=False, help_text="id проекта")
    block = _block_field(required=False)
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)


class RiskUpdateIn(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)
    owner = _login(required=False)
    probability = serializers.ChoiceField(choices=RiskProbability.choices, required=False)
    impact = serializers.ChoiceField(choices=RiskImpact.choices, required=False)
    measures = serializers.CharField(required=False, allow_blank=True)
    due = serializers.DateField(required=False, help_text="срок реагирования")


class RiskCreateIn(RiskUpdateIn):
    project = id_field(help_text="id проекта")
    report = id_field(
        required=False, allow_null=True, default=None, help_text="id отчёта, где риск отмечен"
    )
    description = serializers.CharField(allow_blank=True)
    owner = _login()
    probability = serializers.ChoiceField(choices=RiskProbability.choices)
    impact = serializers.ChoiceField(choices=RiskImpact.choices)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    due = serializers.DateField(help_text="срок реагирования")


class RiskStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=RiskStatus.choices,
        help_text="«closed» — закрыть; «mitigating» — принимаются меры; «realised» — "
        "реализовался; «open» — открыть снова",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class QuestionQuery(serializers.Serializer):
    waiting = serializers.BooleanField(
        required=False, default=False, help_text="только без решения"
    )
    project = id_field(required=False, help_text="id проекта")


class QuestionIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="вопрос")
    proposal = serializers.CharField(allow_blank=True, help_text="предлагаемое решение")
    due = serializers.DateField(help_text="решение нужно до")


class TaskIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    responsible = _login()
    due = serializers.DateField()


class QuestionDecisionIn(serializers.Serializer):
    decision = serializers.CharField(allow_blank=True)
    decided_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="пусто — сегодня"
    )
    tasks = TaskIn(many=True, required=False, default=list, help_text="поручения")


class TaskQuery(serializers.Serializer):
    done = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="исполненные или нет; все"
    )


class TaskDoneIn(serializers.Serializer):
    done_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="пусто — сегодня"
    )


# --------------------------------------------------------------------------- groups
class MemberSerializer(serializers.ModelSerializer):
    """A member: an official (a user of the platform, ``user``) or an external expert."""

    user = CodeField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = GroupMember
        fields = ["order", "role", "user", "name", "position", "organisation"]


class GroupVersionSerializer(serializers.Serializer):
    """A version of the composition, its members, what it changes against the version before,
    and its approval."""

    id = serializers.IntegerField(source="version.pk")
    number = serializers.IntegerField(source="version.number")
    reason = serializers.CharField(source="version.reason")
    author = PersonSerializer(source="version.author", allow_null=True)
    created_at = serializers.DateTimeField(source="version.created_at")
    approval = ApprovalLinkSerializer(allow_null=True)
    members = serializers.SerializerMethodField()
    diff = serializers.SerializerMethodField()

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, row) -> list[dict]:
        return MemberSerializer(selectors.group_members(row.version), many=True).data

    @extend_schema_field(DiffLineSerializer(many=True))
    def get_diff(self, row) -> list[dict]:
        return DiffLineSerializer(selectors.group_diff(row.version), many=True).data


class GroupSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="sector.code")
    in_force = serializers.SerializerMethodField(help_text="номер действующего состава")
    created_by = PersonSerializer(allow_null=True)

    class Meta:
        model = Group
        fields = ["id", "kind", "name", "purpose", "block", "in_force", "created_by", "created_at"]

    def get_in_force(self, group: Group) -> int | None:
        return group.in_force.number if group.in_force_id else None


class GroupDetailSerializer(GroupSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "versions"]

    @extend_schema_field(GroupVersionSerializer(many=True))
    def get_versions(self, group: Group) -> list[dict]:
        return GroupVersionSerializer(selectors.group_versions(group), many=True).data


class GroupQuery(serializers.Serializer):
    block = _block_field(required=False)


class MemberIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)
    user = _login(
        required=False, allow_null=True, default=None, help_text="логин (пользователь платформы)"
    )
    name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="ФИО (внешний эксперт)"
    )
    position = serializers.CharField(required=False, allow_blank=True, default="")
    organisation = serializers.CharField(required=False, allow_blank=True, default="")


class GroupIn(serializers.Serializer):
    block = _block_field()
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    name = serializers.CharField(allow_blank=True)
    purpose = serializers.CharField(allow_blank=True)
    members = MemberIn(many=True)


class GroupChangeIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="что меняется и почему")
    members = MemberIn(many=True, help_text="новый состав целиком")


# --------------------------------------------------------------------------- plans
class PlanItemSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="код проекта")
    project_name = serializers.CharField()
    block = serializers.CharField()
    passport_version = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField()
    responsible = serializers.CharField(allow_blank=True)


class PlanSerializer(serializers.ModelSerializer):
    """A consolidated plan of a block (``block``) or of the ЦУР (``block`` null)."""

    block = CodeField(source="sector", slug_field="code", read_only=True, allow_null=True)
    period_label = serializers.SerializerMethodField()
    approval = serializers.SerializerMethodField()

    class Meta:
        model = ConsolidatedPlan
        fields = ["id", "block", "period", "period_label", "number", "reason", "approval"]

    def get_period_label(self, plan: ConsolidatedPlan) -> str:
        return periods.label(plan.period)

    @APPROVAL_FIELD
    def get_approval(self, plan: ConsolidatedPlan) -> dict | None:
        approvals = self.context.get("approvals")
        if approvals is None:
            return _approval("plan", plan.pk)
        approval = approvals.get(plan.pk)
        return ApprovalLinkSerializer(approval).data if approval else None


class PlanDetailSerializer(PlanSerializer):
    """A plan with its items (control points of the approved passports in the period) and the
    links to its printed forms."""

    author = PersonSerializer(allow_null=True)
    items = PlanItemSerializer(many=True)
    print = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "author", "created_at", "items", "print"]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_print(self, plan: ConsolidatedPlan) -> dict[str, str]:
        return {fmt: reverse("office:plan_print", args=[plan.pk, fmt]) for fmt in PRINT_FORMATS}


class PlanIn(serializers.Serializer):
    block = _block_field(required=False, allow_null=True, default=None)  # null: the ЦУР
    period = serializers.RegexField(
        r"^\d{4}(-\d{2}|-Q[1-4])?$", help_text="«2027», «2027-Q1» или «2027-03»"
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="что и почему меняется (для новой версии утверждённого плана)",
    )


# --------------------------------------------------------------------------- assessment
class ScoreRowSerializer(serializers.Serializer):
    """A block's row of the scorecard: its rank (null without a score), its score of 100, the
    components in per cent (null — no data) and the reasons in words."""

    rank = serializers.IntegerField(allow_null=True)
    sector = serializers.CharField(help_text="код блока")
    block = serializers.CharField()
    lead = serializers.CharField(allow_blank=True)
    score = serializers.CharField(allow_null=True)
    components = serializers.DictField(child=serializers.FloatField(allow_null=True))
    reasons = serializers.ListField(child=serializers.CharField())


class AssessmentSerializer(serializers.ModelSerializer):
    period_label = serializers.SerializerMethodField()
    published = serializers.BooleanField(source="is_published")
    published_by = PersonSerializer(allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "period",
            "period_label",
            "computed_at",
            "published",
            "published_at",
            "published_by",
        ]

    def get_period_label(self, assessment: Assessment) -> str:
        return periods.label(assessment.period)


class AssessmentDetailSerializer(AssessmentSerializer):
    """An assessment with its scorecard and the weights of its components; a published one
    never changes."""

    rows = ScoreRowSerializer(many=True)
    weights = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "weights", "rows"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_weights(self, assessment: Assessment) -> dict[str, int]:
        return dict(WEIGHTS)


class AssessmentIn(serializers.Serializer):
    period = serializers.CharField(help_text="«2026-11», «2026-Q4» или «2026»")
