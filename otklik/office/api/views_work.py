"""The project office's working documents over the API: risks, questions for the curator's
decision and their tasks, working groups, consolidated plans, the assessment of the blocks'
leads. Thin, as ``views``: reads through the selectors (the user's scope: a list without the
right is a 403, one document out of scope a 404), writes through the services, which check the
rights (a refusal is a 403 and changes nothing, a broken rule a 400 in the words of the page).
A document on the route names its approval: submit, agree, approve and return are the
approvals API's."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.core.exceptions import NotFound
from otklik.office import (
    selectors,
    services_assessment,
    services_groups,
    services_plans,
    services_risks,
)
from otklik.office.api import serializers_work as s
from otklik.office.api.common import query, read, schema, verb
from otklik.office.composition import Member
from otklik.office.services_risks import Task, office_today


def _ctx(request, _) -> dict:
    """What the detail serializers read besides the document: who asks, and today's date."""
    return {"user": request.user, "today": office_today()}


def _risk(request, pk: int):
    return selectors.risk_get(user=request.user, pk=pk, today=office_today())


def _question(request, pk: int):
    return selectors.question_get(user=request.user, pk=pk, today=office_today())


def _task(request, pk: int):
    return selectors.task_get(user=request.user, pk=pk, today=office_today())


def _group(request, pk: int):
    return selectors.group_get(user=request.user, pk=pk)


def _assessment(request, period: str):
    return selectors.assessment_get(user=request.user, period=period)


def _members(rows: list[dict]) -> list[Member]:
    return [Member(**row) for row in rows]


# --------------------------------------------------------------------------- risks
class RiskListView(APIView):
    @schema(
        parameters=[s.RiskQuery],
        responses=s.RiskSerializer(many=True),
        summary="Реестр рисков: по проекту, блоку, состоянию, просроченные",
    )
    def get(self, request):
        q = query(s.RiskQuery, request)
        risks = selectors.risk_list(
            user=request.user,
            today=office_today(),
            sector=q.get("block"),
            status=q.get("status", ""),
            overdue=q["overdue"],
        )
        if "project" in q:
            risks = risks.filter(project_id=q["project"])
        return Response(s.RiskSerializer(risks, many=True).data)

    @verb(
        "Внести риск проекта (владелец, вероятность, влияние, меры, срок реагирования)",
        request=s.RiskCreateIn,
        answer=s.RiskDetailSerializer,
        created=True,
        context=_ctx,
    )
    def post(self, request, d):
        project = selectors.project_get(user=request.user, pk=d["project"])
        report = None
        if d["report"] is not None:
            report = project.reports.filter(pk=d["report"]).first()
            if report is None:
                raise NotFound("Нет такого отчёта у этого проекта.")
        risk = services_risks.risk_create(
            actor=request.user,
            project=project,
            report=report,
            description=d["description"],
            owner=d["owner"],
            probability=d["probability"],
            impact=d["impact"],
            measures=d["measures"],
            due=d["due"],
        )
        return _risk(request, risk.pk)


class RiskDetailView(APIView):
    get = read(
        "Риск: владелец, меры, срок, состояние; вопросы куратору по нему",
        answer=s.RiskDetailSerializer,
        find=_risk,
        context=_ctx,
    )

    @verb(
        "Изменить риск (поля, которые даны); закрытый риск сначала открывают снова",
        request=s.RiskUpdateIn,
        answer=s.RiskDetailSerializer,
        find=_risk,
        context=_ctx,
    )
    def patch(self, request, risk, d):
        services_risks.risk_update(actor=request.user, risk=risk, **d)
        return _risk(request, risk.pk)


class RiskStatusView(APIView):
    @verb(
        "Сменить состояние риска: закрыть, меры принимаются, реализовался, открыть снова",
        request=s.RiskStatusIn,
        answer=s.RiskDetailSerializer,
        find=_risk,
        context=_ctx,
    )
    def post(self, request, risk, d):
        services_risks.risk_status_set(
            actor=request.user, risk=risk, status=d["status"], reason=d["reason"]
        )
        return _risk(request, risk.pk)


# --------------------------------------------------------------------------- questions, tasks
def _raised(request, d, **source):
    question = services_risks.question_raise(
        actor=request.user, text=d["text"], proposal=d["proposal"], due=d["due"], **source
    )
    return _question(request, question.pk)


QUESTION_RAISE = dict(
    request=s.QuestionIn, answer=s.QuestionDetailSerializer, created=True, context=_ctx
)


class RiskQuestionView(APIView):
    @verb(
        "Поставить вопрос на решение куратора по риску (руководитель ЦУР)",
        find=_risk,
        **QUESTION_RAISE,
    )
    def post(self, request, risk, d):
        return _raised(request, d, risk=risk)


class ReportQuestionView(APIView):
    @verb(
        "Поставить вопрос на решение куратора по отчёту о ходе реализации (руководитель ЦУР)",
        find=lambda request, pk: selectors.report_get(user=request.user, pk=pk),
        **QUESTION_RAISE,
    )
    def post(self, request, report, d):
        return _raised(request, d, report=report)


class QuestionListView(APIView):
    @schema(
        parameters=[s.QuestionQuery],
        responses=s.QuestionSerializer(many=True),
        summary="Вопросы на решение куратора (ожидающие решения — по признаку)",
    )
    def get(self, request):
        q = query(s.QuestionQuery, request)
        rows = selectors.question_list(
            user=request.user, today=office_today(), waiting=q["waiting"]
        )
        if "project" in q:
            rows = rows.filter(project_id=q["project"])
        return Response(s.QuestionSerializer(rows, many=True).data)


class QuestionDetailView(APIView):
    get = read(
        "Вопрос на решение куратора: предложение, решение, поручения",
        answer=s.QuestionDetailSerializer,
        find=_question,
        context=_ctx,
    )


class QuestionDecideView(APIView):
    @verb(
        "Решение куратора по вопросу (один раз) с поручениями",
        request=s.QuestionDecisionIn,
        answer=s.QuestionDetailSerializer,
        find=_question,
        context=_ctx,
    )
    def post(self, request, question, d):
        services_risks.question_decide(
            actor=request.user,
            question=question,
            decision=d["decision"],
            decided_on=d["decided_on"],
            tasks=[Task(**t) for t in d["tasks"]],
        )
        return _question(request, question.pk)


class TaskListView(APIView):
    @schema(
        parameters=[s.TaskQuery],
        responses=s.TaskSerializer(many=True),
        summary="Мои поручения по решениям куратора (ближайший срок первым)",
    )
    def get(self, request):
        q = query(s.TaskQuery, request)
        rows = selectors.tasks_of(user=request.user, today=office_today(), done=q["done"])
        return Response(s.TaskSerializer(rows, many=True).data)


class TaskDoneView(APIView):
    @verb(
        "Отметить поручение исполненным (ответственный за блок проекта, руководитель ЦУР)",
        request=s.TaskDoneIn,
        answer=s.TaskSerializer,
        find=_task,
    )
    def post(self, request, task, d):
        services_risks.decision_task_done(actor=request.user, task=task, done_on=d["done_on"])
        return _task(request, task.pk)


# --------------------------------------------------------------------------- groups
class GroupListView(APIView):
    @schema(
        parameters=[s.GroupQuery],
        responses=s.GroupSerializer(many=True),
        summary="Рабочие и экспертные группы блоков",
    )
    def get(self, request):
        q = query(s.GroupQuery, request)
        groups = selectors.group_list(user=request.user, sector=q.get("block"))
        return Response(s.GroupSerializer(groups.select_related("created_by"), many=True).data)

    @verb(
        "Предложить группу блока с составом (версия 1 — черновик на маршруте)",
        request=s.GroupIn,
        answer=s.GroupDetailSerializer,
        created=True,
    )
    def post(self, request, d):
        group = services_groups.group_propose(
            actor=request.user,
            sector=d["block"],
            kind=d["kind"],
            name=d["name"],
            purpose=d["purpose"],
            members=_members(d["members"]),
        )
        return _group(request, group.pk)


class GroupDetailView(APIView):
    get = read(
        "Группа: версии состава с членами, отличиями и согласованием",
        answer=s.GroupDetailSerializer,
        find=_group,
    )


class GroupChangeView(APIView):
    @verb(
        "Изменение утверждённого состава: новая версия с причиной (снова на маршрут)",
        request=s.GroupChangeIn,
        answer=s.GroupDetailSerializer,
        find=_group,
        created=True,
    )
    def post(self, request, group, d):
        services_groups.group_change_request(
            actor=request.user, group=group, reason=d["reason"], members=_members(d["members"])
        )
        return _group(request, group.pk)


# --------------------------------------------------------------------------- plans
def _plan(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if plan is None:
        raise NotFound("Нет такого плана или он вне вашей зоны.")
    return plan


class PlanListView(APIView):
    @schema(
        responses=s.PlanSerializer(many=True),
        summary="Сводные планы блоков и ЦУР (новые периоды первыми) с их согласованием",
    )
    def get(self, request):
        rows = selectors.plan_list(user=request.user)
        approvals = {p.pk: a for p, a in rows}
        plans = [p for p, _ in rows]
        return Response(s.PlanSerializer(plans, many=True, context={"approvals": approvals}).data)

    @verb(
        "Сформировать сводный план блока или ЦУР за период из утверждённых паспортов",
        request=s.PlanIn,
        answer=s.PlanDetailSerializer,
        created=True,
    )
    def post(self, request, d):
        plan = services_plans.plan_assemble(
            actor=request.user, sector=d["block"], period=d["period"], reason=d["reason"]
        )
        return _plan(request, plan.pk)


class PlanDetailView(APIView):
    get = read(
        "Сводный план: контрольные точки, согласование, печатные формы",
        answer=s.PlanDetailSerializer,
        find=_plan,
    )


# --------------------------------------------------------------------------- assessment
class AssessmentListView(APIView):
    @schema(
        responses=s.AssessmentSerializer(many=True),
        summary="Оценки ответственных за блоки по периодам",
    )
    def get(self, request):
        rows = selectors.assessment_list(user=request.user)[:60]
        return Response(s.AssessmentSerializer(rows, many=True).data)

    @verb(
        "Рассчитать оценку за период (заново, пока она не опубликована)",
        request=s.AssessmentIn,
        answer=s.AssessmentDetailSerializer,
    )
    def post(self, request, d):
        services_assessment.assessment_compute(actor=request.user, period=d["period"])
        return _assessment(request, d["period"])


class AssessmentDetailView(APIView):
    get = read(
        "Оценка за период: строки блоков с баллами и обоснованием",
        answer=s.AssessmentDetailSerializer,
        find=_assessment,
    )


class AssessmentPublishView(APIView):
    @verb(
        "Опубликовать оценку (после этого она не меняется)",
        answer=s.AssessmentDetailSerializer,
        find=_assessment,
    )
    def post(self, request, assessment, d):
        services_assessment.assessment_publish(actor=request.user, assessment=assessment)
        return _assessment(request, assessment.period)
