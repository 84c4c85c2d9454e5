"""The read-only API of the registry: problems with measures, indicators and the inflow."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.core.api import ID_MAX, CappedCountPagination, MatrixPermission
from otklik.core.exceptions import NotFound
from otklik.core.permissions import Action
from otklik.problems import selectors, services
from otklik.problems.api import serializers as s
from otklik.problems.filters import ProblemFilter
from otklik.problems.models import Problem


def _summary(p: Problem) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "status": p.status,
        "source": p.source,
        "external_id": p.external_id,
        "sector": p.sector.code,
        "municipalities": [m.okato for m in p.municipalities.all()],
        "city_districts": [d.okato for d in p.city_districts.all()],
        "owner": p.owner_id,
        "created_at": p.created_at,
    }


class ProblemListView(GenericAPIView):
    permission_classes = [MatrixPermission]
    read_action = Action.PROBLEM_VIEW
    filterset_class = ProblemFilter  # the parameters in the schema; applied in ``get``
    pagination_class = CappedCountPagination
    queryset = Problem.objects.none()  # names the model for the schema; reads use the selector

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="Problems of the registry in the user's scope",
        operation_id="problems_list",
        tags=["problems"],
        filters=True,
    )
    def get(self, request):
        qs = ProblemFilter(request.query_params, request=request).checked_qs()
        page = self.paginate_queryset(qs)
        rows = [
            {**_summary(p), "cases": p.n_cases, "measures": p.n_measures, "overdue": p.n_overdue}
            for p in page
        ]
        return self.get_paginated_response(rows)


class ProblemDetailView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.PROBLEM_VIEW

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="A problem: facts, measures, indicators, cases and the inflow before/after",
        operation_id="problems_retrieve",
        tags=["problems"],
    )
    def get(self, request, pk: int):
        if not 0 < pk <= ID_MAX:  # the id column's range: anything else names no problem
            raise Http404
        try:
            p = selectors.problem_get(user=request.user, pk=pk)
        except Problem.DoesNotExist as exc:
            raise Http404 from exc
        inflow = selectors.problem_inflow(user=request.user, problem=p)
        return Response(
            {
                **_summary(p),
                "description": p.description,
                "root_cause": p.root_cause,
                "topics": [t.code for t in p.topics.all()],
                "alert": p.alert_id,
                "cases": list(
                    selectors.problem_cases(user=request.user, problem=p).values_list(
                        "number", flat=True
                    )[:1000]
                ),
                "measures": [
                    {
                        "id": m.pk,
                        "text": m.text,
                        "organization": m.organization.code if m.organization else None,
                        "deadline": m.deadline,
                        "status": m.status,
                        "done_at": m.done_at,
                        "overdue": m.is_overdue,
                    }
                    for m in selectors.problem_measures(p)
                ],
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "project": i.project,
                        "project_kind": i.project_kind,
                        "unit": i.unit,
                        "values": [
                            {
                                "period": v.period,
                                "target": v.target,
                                "actual": v.actual,
                            }
                            for v in i.values.all()
                        ],
                    }
                    for i in p.indicators.all()
                ],
                "inflow": {
                    "first_measure_done": inflow["pivot"],
                    "before_avg": inflow["before_avg"],
                    "after_avg": inflow["after_avg"],
                    "change_pct": inflow["change_pct"],
                    "verdict": inflow["verdict"],
                    "weeks": [
                        {
                            "start": w.start,
                            "end": w.end,
                            "messages": w.messages,
                            "after": w.after,
                            "complete": w.complete,
                        }
                        for w in inflow["weeks"]
                    ],
                },
            }
        )


# --------------------------------------------------------------------------- ranking, lists
# Read through the selectors (``problem.view``: a refusal is a 403, a list out of reach a 404);
# a list is formed by the service, which checks the rights (``problem.manage``, the ЦУР's).
def _parsed(serializer_class, data) -> dict:
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _list(request, pk: int):
    plan = selectors.problem_list_get(user=request.user, pk=pk)
    if plan is None:
        raise NotFound("Нет такого перечня или он вне вашей зоны.")
    return plan


def _list_detail(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    plan = _list(request, pk)
    approvals = selectors.problem_lists_approvals([plan.pk])
    return Response(
        s.ProblemListDetailSerializer(plan, context={"approvals": approvals}).data, status=code
    )


class RankingView(APIView):
    @extend_schema(
        parameters=[s.RankingQuery],
        responses=s.RankedProblemSerializer(many=True),
        summary="Рейтинг открытых проблем по приоритету (0–100) с его составляющими",
        tags=["problems"],
    )
    def get(self, request):
        limit = _parsed(s.RankingQuery, request.query_params)["limit"]
        rows = selectors.problem_ranking(user=request.user)[:limit]
        return Response(s.RankedProblemSerializer(rows, many=True).data)


class ProblemListsView(APIView):
    @extend_schema(
        responses=s.ProblemListSerializer(many=True),
        summary="Перечни региональных проблем ЦУР (новые первыми) с их согласованием",
        tags=["problems"],
    )
    def get(self, request):
        rows = selectors.problem_lists(user=request.user)
        context = {"approvals": {p.pk: a for p, a in rows}}
        plans = [p for p, _ in rows]
        return Response(s.ProblemListSerializer(plans, many=True, context=context).data)

    @extend_schema(
        request=s.ProblemListIn,
        responses={201: s.ProblemListDetailSerializer},
        summary="Сформировать перечень с верха рейтинга (черновик на маршруте согласования)",
        tags=["problems"],
    )
    def post(self, request):
        d = _parsed(s.ProblemListIn, request.data)
        plan = services.problem_list_form(actor=request.user, **d)
        return _list_detail(request, plan.pk, status.HTTP_201_CREATED)


class ProblemListDetailView(APIView):
    @extend_schema(
        responses=s.ProblemListDetailSerializer,
        summary="Перечень: проблемы по местам, баллы и их обоснование, согласование",
        tags=["problems"],
    )
    def get(self, request, pk: int):
        return _list_detail(request, pk)


class ProblemListItemView(APIView):
    @extend_schema(
        request=s.ItemIn,
        responses=s.ProblemListDetailSerializer,
        summary="Строка перечня (черновик или на доработке): блок, проект или меры, срок",
        tags=["problems"],
    )
    def patch(self, request, pk: int, problem: int):
        plan = _list(request, pk)
        item = plan.items.filter(problem_id=problem).first()
        if item is None:
            raise NotFound("Этой проблемы в перечне нет.")
        d = _parsed(s.ItemIn, request.data)
        services.problem_list_item_update(
            actor=request.user, item=item, sector=d["block"], project=d["project"], due=d["due"]
        )
        return _list_detail(request, pk)
