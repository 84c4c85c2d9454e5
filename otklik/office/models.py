"""The project office: sector blocks and their leads, the ЦУР's indicators (targets and facts per
period), projects of the blocks with passports in versions, progress reports, the risk register
with the questions for the curator's decision and their tasks, working and expert groups with
their composition in versions.

A passport version, a progress report (a project's or a block's) and a group's composition each
travel the one approval route (``otklik.approvals``): their approval is found by kind and key
(``passport`` / ``report`` / ``block_report`` / ``group`` and the row's id)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from otklik.core.models import BaseModel
from otklik.office.choices import (
    Direction,
    GroupKind,
    IndicatorKind,
    IndicatorSource,
    IndicatorState,
    MemberRole,
    ProgrammeKind,
    ProjectState,
    RiskImpact,
    RiskProbability,
    RiskStatus,
    RoadmapStatus,
)

PERIOD_HELP = "Месяц «2026-11», квартал «2026-Q4» или год «2026»."


class Block(BaseModel):
    """Отраслевой блок проектного офиса: its lead and the lead's deputies (sector leads of it)."""

    scope_lookups = {"sector": "sector"}

    # a sector without projects may be removed from the reference book, its block with it
    sector = models.OneToOneField(
        "directory.Sector", verbose_name="отрасль", on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный за блок",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="заместители", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "отраслевой блок"
        verbose_name_plural = "отраслевые блоки проектного офиса"
        ordering = ["sector__order", "sector__code"]

    def __str__(self) -> str:
        return str(self.sector)


class NationalLinks(models.Model):
    """The links of the synchronisation with national projects (of a project, of an indicator):
    kept on the row, not in a project's passport — an approved passport version stays frozen
    and its «Связь с национальными проектами» line is the document's own wording. Reached back
    as ``programme.projects`` / ``programme.indicators`` and ``office_projects`` /
    ``office_indicators`` of a national indicator."""

    programmes = models.ManyToManyField(
        "Programme",
        verbose_name="национальные проекты и программы",
        blank=True,
        related_name="%(class)ss",
    )
    national_indicators = models.ManyToManyField(
        "problems.ProjectIndicator",
        verbose_name="показатели нац- и регпроектов",
        blank=True,
        related_name="office_%(class)ss",
    )

    class Meta:
        abstract = True


class Indicator(BaseModel, NationalLinks):
    """Показатель ЦУР: mandatory (the competence centre's list) or additional (the curator
    approves it); computed from the platform's data (``measure``) or entered by its owner."""

    scope_lookups = {"sector": "sector"}

    code = models.CharField("код", max_length=32, unique=True)
    name = models.CharField("показатель", max_length=512)
    unit = models.CharField("единица измерения (ОКЕИ)", max_length=64)
    direction = models.CharField(
        "направление", max_length=8, choices=Direction.choices, default=Direction.UP
    )
    method = models.TextField("методика расчёта", blank=True)
    kind = models.CharField(
        "вид", max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.ADDITIONAL
    )
    state = models.CharField(
        "состояние", max_length=16, choices=IndicatorState.choices, default=IndicatorState.PROPOSED
    )
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Пусто — показатель ЦУР в целом.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        "источник", max_length=16, choices=IndicatorSource.choices, default=IndicatorSource.ENTERED
    )
    measure = models.CharField(
        "мера платформы",
        max_length=40,
        blank=True,
        help_text="Код меры каталога (office.measures).",
    )
    base_value = models.DecimalField(
        "базовое значение", max_digits=18, decimal_places=4, null=True, blank=True
    )
    base_date = models.DateField("дата базового значения", null=True, blank=True)

    class Meta:
        verbose_name = "показатель ЦУР"
        verbose_name_plural = "показатели ЦУР"
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="computed") | ~models.Q(measure=""),
                name="computed_indicator_has_a_measure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    value = models.DecimalField("план", max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = "плановое значение"
        verbose_name_plural = "плановые значения"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"


class IndicatorFact(models.Model):
    """The fact of a period: computed from the data, or entered with its evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="facts")
    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    value = models.DecimalField("факт", max_digits=18, decimal_places=4, null=True, blank=True)
    computed = models.BooleanField("рассчитано по данным", default=False)
    evidence = models.TextField("подтверждение", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("когда", auto_now=True)

    class Meta:
        verbose_name = "фактическое значение"
        verbose_name_plural = "фактические значения"
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="one_fact_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"


class Project(BaseModel, NationalLinks):
    """A project (programme) of a sector block; its content is in its passport versions."""

    scope_lookups = {"sector": "sector"}

    code = models.CharField("код", max_length=32, unique=True)
    name = models.CharField("наименование", max_length=512)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "состояние", max_length=16, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    state_reason = models.TextField("основание", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "проект"
        verbose_name_plural = "проекты отраслевых блоков"
        ordering = ["sector__order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DocumentVersion(BaseModel):
    """A version of a document that travels the route (a passport, a group's composition):
    drafted, routed, and frozen once approved. Version 2 and later are change requests
    (``reason``)."""

    number = models.PositiveIntegerField("версия")
    reason = models.TextField("запрос на изменение: что и почему", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class PassportVersion(DocumentVersion):
    """A version of a project's passport."""

    scope_lookups = {"sector": "project__sector"}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    content = models.JSONField("содержание", default=dict)

    class Meta:
        verbose_name = "версия паспорта проекта"
        verbose_name_plural = "версии паспортов проектов"
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_passport_number")
        ]

    def __str__(self) -> str:
        return f"{self.project.code}, версия {self.number}"


class PeriodReport(BaseModel):
    """A report of a period (a project's, a block's): its due day, its content, who made it."""

    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    due = models.DateField("срок представления")
    content = models.JSONField("содержание", default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class ProgressReport(PeriodReport):
    """Отчёт о ходе реализации проекта за период: plan/fact of the indicators (the computed ones
    filled from the data), control points reached or missed, risks, the lead's comment."""

    scope_lookups = {"sector": "project__sector"}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")

    class Meta:
        verbose_name = "отчёт о ходе реализации"
        verbose_name_plural = "отчёты о ходе реализации"
        ordering = ["project", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="one_report_per_period")
        ]
        indexes = [models.Index(fields=["due"])]

    def __str__(self) -> str:
        return f"{self.project.code}, отчёт за {self.period}"


class BlockReport(PeriodReport):
    """Отчёт о ходе реализации блока за период: a snapshot of the block's indicators (plan and
    fact, the computed ones from the data), its projects' reports of the period (approved, on
    the route, overdue, missing), the control points of the period reached or missed with their
    reasons, the open risks of its projects, and the lead's comment. Travels the route (kind
    ``block_report``); due as a project's report."""

    scope_lookups = {"sector": "block__sector"}

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="reports")

    class Meta:
        verbose_name = "отчёт блока о ходе реализации"
        verbose_name_plural = "отчёты блоков о ходе реализации"
        ordering = ["block", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["block", "period"], name="one_block_report_per_period")
        ]
        indexes = [models.Index(fields=["due"])]

    def __str__(self) -> str:
        return f"{self.block}, отчёт блока за {self.period}"


class Risk(BaseModel):
    """A risk of a project (noted in a progress report, or not): its owner answers for the
    response measures by the due date."""

    scope_lookups = {"sector": "project__sector"}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    report = models.ForeignKey(
        ProgressReport,
        verbose_name="отчёт о ходе реализации",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks",
    )
    description = models.TextField("риск")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="владелец риска",
        on_delete=models.PROTECT,
        related_name="+",
    )
    probability = models.CharField("вероятность", max_length=8, choices=RiskProbability.choices)
    impact = models.CharField("влияние", max_length=8, choices=RiskImpact.choices)
    measures = models.TextField("меры реагирования", blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    status_reason = models.TextField("основание смены состояния", blank=True)
    due = models.DateField("срок реагирования")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "риск проекта"
        verbose_name_plural = "реестр рисков"
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.description[:80]}"


class CuratorQuestion(BaseModel):
    """«Вопрос на решение куратора»: a risk or a problem of a progress report that the project
    cannot solve itself, raised by the head with a proposed decision; the curator records the
    decision, whose tasks are then followed up."""

    scope_lookups = {"sector": "project__sector"}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="questions")
    risk = models.ForeignKey(
        Risk,
        verbose_name="риск",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name="отчёт о ходе реализации",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    text = models.TextField("вопрос")
    proposal = models.TextField("предлагаемое решение")
    due = models.DateField("срок решения")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="поставил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.TextField("решение куратора", blank=True)
    decided_on = models.DateField("дата решения", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="принял решение",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "вопрос на решение куратора"
        verbose_name_plural = "вопросы на решение куратора"
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["decided_on", "due"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk__isnull=False, report__isnull=True)
                | models.Q(risk__isnull=True, report__isnull=False),
                name="question_from_a_risk_or_a_report",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True, decision="")
                | (models.Q(decided_on__isnull=False) & ~models.Q(decision="")),
                name="decision_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.text[:80]}"


class DecisionTask(BaseModel):
    """A task (поручение) of the curator's decision: who does what by when, and when done."""

    scope_lookups = {"sector": "question__project__sector"}

    question = models.ForeignKey(CuratorQuestion, on_delete=models.CASCADE, related_name="tasks")
    text = models.TextField("поручение")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный",
        on_delete=models.PROTECT,
        related_name="+",
    )
    due = models.DateField("срок")
    done_on = models.DateField("исполнено", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отметил исполнение",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "поручение по решению куратора"
        verbose_name_plural = "поручения по решениям куратора"
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["done_on", "due"])]

    def __str__(self) -> str:
        return f"{self.text[:80]} (до {self.due:%d.%m.%Y})"


class Group(BaseModel):
    """A working or expert group of a block; its composition is in its versions, each approved
    through the route (kind ``group``), the latest approved one in force."""

    scope_lookups = {"sector": "sector"}

    kind = models.CharField("вид", max_length=16, choices=GroupKind.choices)
    name = models.CharField("наименование", max_length=512)
    purpose = models.TextField("цель и задачи группы")
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_force = models.ForeignKey(
        "GroupVersion",
        verbose_name="действующий состав",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="предложил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "рабочая или экспертная группа"
        verbose_name_plural = "рабочие и экспертные группы"
        ordering = ["sector__order", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} «{self.name}»"


class GroupVersion(DocumentVersion):
    """A version of a group's composition (its members)."""

    scope_lookups = {"sector": "group__sector"}

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="versions")

    class Meta:
        verbose_name = "версия состава группы"
        verbose_name_plural = "версии составов групп"
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="one_group_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.group.name}, версия {self.number}"


class GroupMember(models.Model):
    """A member of one version of a group: a user of the platform, or an external person by name,
    position and organisation; the name is kept as the composition states it."""

    version = models.ForeignKey(GroupVersion, on_delete=models.CASCADE, related_name="members")
    order = models.PositiveSmallIntegerField("порядок")
    role = models.CharField("роль в группе", max_length=16, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь платформы",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField("ФИО", max_length=255)
    position = models.CharField("должность", max_length=255, blank=True)
    organisation = models.CharField("организация", max_length=512, blank=True)

    class Meta:
        verbose_name = "член группы"
        verbose_name_plural = "составы групп"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"],
                condition=models.Q(user__isnull=False),
                name="a_user_once_in_a_composition",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(role="chair"),
                name="one_chair_per_composition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class ConsolidatedPlan(DocumentVersion):
    """Сводный план of a block (``sector``) or of the whole ЦУР (no sector) for a period: the
    control points of the approved passports in force, on one timeline, assembled by the head
    and approved by the curator (route kind ``plan``). Its items are frozen with it: a changed
    passport enters the plan through its next version."""

    scope_lookups = {"sector": "sector"}

    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name="отраслевой блок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Пусто — сводный план ЦУР.",
    )
    period = models.CharField("период", max_length=7, help_text=PERIOD_HELP)
    items = models.JSONField("контрольные точки и мероприятия", default=list)

    class Meta:
        verbose_name = "сводный план"
        verbose_name_plural = "сводные планы"
        ordering = ["-period", "sector__order", "-number"]
        constraints = [
            # the ЦУР's own plan (no sector) counts as sector 0: one number per period too
            models.UniqueConstraint(
                Coalesce("sector", 0), "period", "number", name="one_plan_number"
            )
        ]

    def __str__(self) -> str:
        whose = self.sector.name if self.sector_id else "ЦУР"
        return f"Сводный план {whose} на {self.period}, версия {self.number}"


class Assessment(BaseModel):
    """Оценка ответственных за отраслевые блоки за период (regulation § 4.1): a scorecard per
    block (``office/assessment.py``), checked by the head and published; a published
    assessment never changes."""

    period = models.CharField("период", max_length=7, unique=True, help_text=PERIOD_HELP)
    rows = models.JSONField("оценки блоков", default=list)
    computed_at = models.DateTimeField("рассчитана")
    published_at = models.DateTimeField("опубликована", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="опубликовал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "оценка ответственных за блоки"
        verbose_name_plural = "оценки ответственных за блоки"
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"Оценка блоков за {self.period}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Programme(BaseModel):
    """A national or federal project, a departmental project or a state programme the ЦУР's
    projects and indicators are synchronised with (the catalogue ``office/data/programmes.toml``,
    loaded by ``otklik office programmes-load``); linked to the imported indicators of national
    and regional projects (``problems.ProjectIndicator``) whose plan and fact show its lag."""

    code = models.CharField("код", max_length=32, unique=True)
    name = models.CharField("наименование", max_length=255)
    kind = models.CharField("вид", max_length=16, choices=ProgrammeKind.choices)
    description = models.TextField("кратко", blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="входит в",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField("порядок", default=0)
    sectors = models.ManyToManyField(
        "directory.Sector", verbose_name="отраслевые блоки", blank=True, related_name="+"
    )
    national_indicators = models.ManyToManyField(
        "problems.ProjectIndicator",
        verbose_name="показатели нац- и регпроектов",
        blank=True,
        related_name="programmes",
    )

    class Meta:
        verbose_name = "национальный проект, программа"
        verbose_name_plural = "национальные проекты и программы"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} «{self.name}»"


class RoadmapItem(BaseModel):
    """Пункт дорожной карты создания и работы ЦУР: what, who answers for it, by when, its
    state and the evidence that it is done. Kept by the responsible executor
    (``roadmap.manage``); overdue when not done or cancelled after its due date rolled forward
    to a working day (``office/roadmap.py``)."""

    number = models.PositiveIntegerField("№", unique=True)
    section = models.CharField("раздел", max_length=255)
    title = models.CharField("мероприятие", max_length=512)
    description = models.TextField("содержание", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный",
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name="ответственная организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due = models.DateField("срок")
    status = models.CharField(
        "состояние", max_length=16, choices=RoadmapStatus.choices, default=RoadmapStatus.PLANNED
    )
    evidence = models.TextField("подтверждение исполнения", blank=True)
    evidence_url = models.CharField(
        "ссылка на документ",
        max_length=1024,
        blank=True,
        help_text="Адрес документа (https://…) или страницы платформы (/office/…).",
    )
    done_on = models.DateField("исполнено", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отметил исполнение",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_on = models.DateField("напомнено", null=True, blank=True)
    programmes = models.ManyToManyField(
        Programme, verbose_name="национальные проекты и программы", blank=True,
        related_name="roadmap_items",
    )  # fmt: skip
    projects = models.ManyToManyField(
        Project, verbose_name="проекты блоков", blank=True, related_name="roadmap_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "пункт дорожной карты ЦУР"
        verbose_name_plural = "дорожная карта ЦУР"
        ordering = ["number"]
        indexes = [models.Index(fields=["status", "due"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (
                    models.Q(done_on__isnull=False)
                    & (~models.Q(evidence="") | ~models.Q(evidence_url=""))
                ),
                name="roadmap_done_has_date_and_evidence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class RoadmapEvent(models.Model):
    """The history of a roadmap item: created, changed, moved, done, reminded — who, when, what
    (written in the transaction of the change, beside its audit event)."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("когда")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField("событие", max_length=16)
    text = models.TextField("что", blank=True)

    class Meta:
        verbose_name = "событие пункта дорожной карты"
        verbose_name_plural = "история пунктов дорожной карты"
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.at:%d.%m.%Y}"
