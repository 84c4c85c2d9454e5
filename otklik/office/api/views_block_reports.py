"""The blocks' progress reports over the API: thin — parse, call a selector or a service,
serialize (the rules as in ``views``: a refusal is a 403, a broken rule a 400, what the user
may not see a 404). Agreeing, approving and returning are the approvals API's verbs."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.approvals.services import approval_submit
from otklik.office import selectors, services_block_reports
from otklik.office.api import serializers as s
from otklik.office.api import serializers_block_reports as b
from otklik.office.api.views import _body, _schema
from otklik.office.services_risks import office_today


def _report(request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    report = selectors.block_report_get(user=request.user, pk=pk)
    return Response(b.BlockReportSerializer(report).data, status=status_code)


class BlockReportListView(APIView):
    @_schema(
        responses=b.BlockReportSerializer(many=True),
        summary="Отчёты блока о ходе реализации (новые периоды первыми)",
    )
    def get(self, request, code: str):
        block = selectors.block_get(user=request.user, code=code)
        rows = selectors.block_report_rows(block, office_today())
        return Response(b.BlockReportSerializer([r["report"] for r in rows], many=True).data)

    @_schema(
        request=s.ReportPrepareIn,
        responses={201: b.BlockReportSerializer},
        summary="Подготовить отчёт блока за период (заполняется по данным)",
    )
    def post(self, request, code: str):
        block = selectors.block_get(user=request.user, code=code)
        d = _body(s.ReportPrepareIn, request)
        report = services_block_reports.block_report_prepare(
            actor=request.user, block=block, period=d["period"]
        )
        return _report(request, report.pk, status.HTTP_201_CREATED)


class BlockReportView(APIView):
    @_schema(
        responses=b.BlockReportSerializer,
        summary="Отчёт блока: показатели, отчёты проектов, контрольные точки, риски, комментарий",
    )
    def get(self, request, pk: int):
        return _report(request, pk)

    @_schema(
        request=b.BlockReportPatchIn,
        responses=b.BlockReportSerializer,
        summary="Комментарий и причины отчёта блока; заполнить по данным заново",
    )
    def patch(self, request, pk: int):
        report = selectors.block_report_get(user=request.user, pk=pk)
        d = _body(b.BlockReportPatchIn, request)
        services_block_reports.block_report_update(
            actor=request.user,
            report=report,
            comment=d.get("comment", report.content.get("comment", "")),
            reasons=d.get("reasons"),
            refresh=d["refresh"],
        )
        return _report(request, pk)


class BlockReportSubmitView(APIView):
    @_schema(
        request=b.SubmitIn,
        responses=b.BlockReportSerializer,
        summary="Направить отчёт блока на согласование (руководителю ЦУР)",
    )
    def post(self, request, pk: int):
        report = selectors.block_report_get(user=request.user, pk=pk)
        d = _body(b.SubmitIn, request)
        approval = services_block_reports.approval_of_block_report(report)
        approval_submit(actor=request.user, approval=approval, text=d["text"])
        return _report(request, pk)
