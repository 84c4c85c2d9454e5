"""The project office's API: thin — parse, call a selector or a service, serialize.

Reads are scoped by ``office.view`` (a list without the right is a 403; one project, passport
or report the user may not see is a 404); writes are checked by the services (a refusal is a
403 with its message, a broken rule a 400 with the words of the page). The documents' route —
submit, agree, approve, return — is the approvals API (``/api/v1/approvals/{id}/…``): each
version and report names its approval."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.core.permissions import Action, access_check
from otklik.office import passport, selectors, services
from otklik.office.api import serializers as s
from otklik.office.api.common import body, period, query, schema, verb
from otklik.office.models import Indicator

_schema, _query, _body, _period = schema, query, body, period


def _board(indicators: list[Indicator], period: str) -> tuple[list[dict], dict]:
    """The board of ``indicators`` in ``period``, and the serializers' context (each
    additional indicator's approval)."""
    prefetch_related_objects(indicators, "facts__entered_by")
    approvals = selectors.approvals_by_target(services.INDICATOR, [i.pk for i in indicators])
    return selectors.indicator_board(indicators, period), {"approvals": approvals}


# --------------------------------------------------------------------------- blocks
class BlockListView(APIView):
    @_schema(
        responses=s.BlockSerializer(many=True),
        summary="Отраслевые блоки: ответственный, заместители, проекты по состояниям",
    )
    def get(self, request):
        blocks = selectors.block_list(user=request.user)
        prefetch_related_objects(blocks, "deputies")
        counts = selectors.project_counts(user=request.user)
        return Response(s.BlockSerializer(blocks, many=True, context={"counts": counts}).data)


class BlockDetailView(APIView):
    @_schema(
        parameters=[s.PeriodQuery],
        responses=s.BlockDetailSerializer,
        summary="Блок: ответственный и заместители, показатели (план и факт за период), проекты",
    )
    def get(self, request, code: str):
        period = _period(_query(s.PeriodQuery, request).get("period"))
        block = selectors.block_get(user=request.user, code=code)
        prefetch_related_objects([block], "deputies")
        indicators = list(selectors.indicator_list(user=request.user, sector=block.sector))
        board, context = _board(indicators, period)
        data = {
            "block": block,
            "period": period,
            "indicators": board,
            "projects": selectors.project_list(
                user=request.user, sector=block.sector
            ).select_related("created_by"),
        }
        context["counts"] = selectors.project_counts(user=request.user)
        context["in_force"] = selectors.passports_in_force(data["projects"])
        return Response(s.BlockDetailSerializer(data, context=context).data)


# --------------------------------------------------------------------------- indicators
class IndicatorListView(APIView):
    @_schema(
        parameters=[s.IndicatorQuery],
        responses=s.BoardSerializer,
        summary="Показатели ЦУР: цели, факты, план и факт за период (по блоку)",
    )
    def get(self, request):
        q = _query(s.IndicatorQuery, request)
        period = _period(q.get("period"))
        indicators = list(selectors.indicator_list(user=request.user, sector=q.get("block")))
        board, context = _board(indicators, period)
        data = {"period": period, "indicators": board}
        return Response(s.BoardSerializer(data, context=context).data)

    @_schema(
        request=s.IndicatorProposeIn,
        responses={201: s.IndicatorSerializer},
        summary="Предложить дополнительный показатель (направляется на утверждение)",
    )
    def post(self, request):
        d = _body(s.IndicatorProposeIn, request)
        indicator = services.indicator_propose(
            actor=request.user,
            code=d["code"],
            name=d["name"],
            unit=d["unit"],
            direction=d["direction"],
            method=d["method"],
            sector=d["block"],
            measure=d["measure"],
            base_value=d["base_value"],
            targets=d["targets"],
        )
        context = {"approvals": {indicator.pk: services.approval_of_indicator(indicator)}}
        return Response(
            s.IndicatorSerializer(indicator, context=context).data, status=status.HTTP_201_CREATED
        )


class IndicatorFactView(APIView):
    @verb(
        "Внести фактическое значение показателя за период (с подтверждением)",
        request=s.FactIn,
        answer=s.FactSerializer,
        find=lambda request, pk: selectors.indicator_get(user=request.user, pk=pk),
        created=True,
    )
    def post(self, request, indicator, d):
        return services.indicator_fact_enter(
            actor=request.user,
            indicator=indicator,
            period=d["period"],
            value=d["value"],
            evidence=d["evidence"],
        )


# --------------------------------------------------------------------------- projects
class ProjectListView(APIView):
    @_schema(
        parameters=[s.ProjectQuery],
        responses=s.ProjectSerializer(many=True),
        summary="Проекты блоков (по блоку и состоянию)",
    )
    def get(self, request):
        access_check(request.user, Action.OFFICE_VIEW)
        q = _query(s.ProjectQuery, request)
        projects = selectors.project_list(
            user=request.user, sector=q.get("block"), state=q.get("state")
        ).select_related("created_by")
        context = {"in_force": selectors.passports_in_force(projects)}
        return Response(s.ProjectSerializer(projects, many=True, context=context).data)

    @_schema(
        request=s.ProjectCreateIn,
        responses={201: s.ProjectDetailSerializer},
        summary="Создать проект блока с черновиком паспорта (версия 1)",
    )
    def post(self, request):
        d = _body(s.ProjectCreateIn, request)
        project = services.project_create(
            actor=request.user,
            sector=d["block"],
            name=d["name"],
            texts=passport.texts_from_content(d.get("passport", {})),
        )
        return Response(s.ProjectDetailSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    @_schema(
        responses=s.ProjectDetailSerializer,
        summary="Проект: версии паспорта с их согласованием, паспорт в силе, отчёты",
    )
    def get(self, request, pk: int):
        project = selectors.project_get(user=request.user, pk=pk)
        return Response(s.ProjectDetailSerializer(project).data)


def _project(request, pk: int):
    return selectors.project_get(user=request.user, pk=pk)


def _version_response(request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    version = selectors.passport_get(user=request.user, pk=pk)
    context = {"previous": selectors.passport_previous(version)}
    return Response(s.PassportVersionSerializer(version, context=context).data, status=status_code)


class ChangeRequestView(APIView):
    @verb(
        "Запрос на изменение утверждённого паспорта: новая версия (причина и паспорт)",
        request=s.ChangeRequestIn,
        answer=s.PassportVersionSerializer,
        created=True,
        find=_project,
        context=lambda request, version: {"previous": selectors.passport_previous(version)},
    )
    def post(self, request, project, d):
        latest = selectors.passport_latest(project)
        texts = {
            **passport.content_to_text(latest.content if latest else {}),
            **passport.texts_from_content(d.get("passport", {})),
        }
        version = services.passport_change_request(
            actor=request.user, project=project, reason=d["reason"], texts=texts
        )
        return selectors.passport_get(user=request.user, pk=version.pk)


class ReportPrepareView(APIView):
    @verb(
        "Подготовить отчёт о ходе реализации за период (заполняется по данным)",
        request=s.ReportPrepareIn,
        answer=s.ReportSerializer,
        find=_project,
        created=True,
    )
    def post(self, request, project, d):
        return services.report_prepare(actor=request.user, project=project, period=d["period"])


# --------------------------------------------------------------------------- passports
class PassportView(APIView):
    @_schema(
        responses=s.PassportVersionSerializer,
        summary="Версия паспорта: содержание, строки, отличия от предыдущей версии, согласование",
    )
    def get(self, request, pk: int):
        return _version_response(request, pk)

    @_schema(
        request=s.PassportPatchIn,
        responses=s.PassportVersionSerializer,
        summary="Изменить черновик или возвращённую на доработку версию паспорта",
    )
    def patch(self, request, pk: int):
        version = selectors.passport_get(user=request.user, pk=pk)
        d = _body(s.PassportPatchIn, request)
        texts = {
            **passport.content_to_text(version.content),
            **passport.texts_from_content(d.get("passport", {})),
        }
        services.passport_update(
            actor=request.user, version=version, texts=texts, name=d.get("name")
        )
        return _version_response(request, pk)


# --------------------------------------------------------------------------- reports
class ReportView(APIView):
    @_schema(
        responses=s.ReportSerializer,
        summary="Отчёт о ходе реализации: план и факт показателей, контрольные точки, риски",
    )
    def get(self, request, pk: int):
        return Response(s.ReportSerializer(selectors.report_get(user=request.user, pk=pk)).data)

    @_schema(
        request=s.ReportPatchIn,
        responses=s.ReportSerializer,
        summary="Отметить контрольные точки, риски и комментарий; обновить показатели по данным",
    )
    def patch(self, request, pk: int):
        report = selectors.report_get(user=request.user, pk=pk)
        d = _body(s.ReportPatchIn, request)
        content = report.content
        if "control_points" in d:
            points = [
                {
                    "reached": p["reached"],
                    "reason": p["reason"],
                    "new_date": p["new_date"].isoformat() if p["new_date"] else "",
                }
                for p in d["control_points"]
            ]
        else:
            points = content.get("control_points", [])
        report = services.report_update(
            actor=request.user,
            report=report,
            comment=d.get("comment", content.get("comment", "")),
            risks=d.get("risks", content.get("risks", "")),
            points=points,
            refresh=d["refresh"],
        )
        return Response(s.ReportSerializer(report).data)
