"""The blocks' progress reports over the API: thin — parse, call a selector or a service,
serialize (the rules as in ``views``: a refusal is a 403, a broken rule a 400, what the user
may not see a 404). Agreeing, approving and returning are the approvals API's verbs."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.approvals.services import approval_submit
from otklik.office import selectors, services_block_reports
from otklik.office.api import serializers as s
from otklik.office.api import serializers_block_reports as b
from otklik.office.api.common import read, schema, verb
from otklik.office.services_risks import office_today


def _block(request, code: str):
    return selectors.block_get(user=request.user, code=code)


def _report(request, pk: int):
    return selectors.block_report_get(user=request.user, pk=pk)


class BlockReportListView(APIView):
    @schema(
        responses=b.BlockReportSerializer(many=True),
        summary="Отчёты блока о ходе реализации (новые периоды первыми)",
    )
    def get(self, request, code: str):
        rows = selectors.block_report_rows(_block(request, code), office_today())
        return Response(b.BlockReportSerializer([r["report"] for r in rows], many=True).data)

    @verb(
        "Подготовить отчёт блока за период (заполняется по данным)",
        request=s.ReportPrepareIn,
        answer=b.BlockReportSerializer,
        find=_block,
        created=True,
    )
    def post(self, request, block, d):
        return services_block_reports.block_report_prepare(
            actor=request.user, block=block, period=d["period"]
        )


class BlockReportView(APIView):
    get = read(
        "Отчёт блока: показатели, отчёты проектов, контрольные точки, риски, комментарий",
        answer=b.BlockReportSerializer,
        find=_report,
    )

    @verb(
        "Комментарий и причины отчёта блока; заполнить по данным заново",
        request=b.BlockReportPatchIn,
        answer=b.BlockReportSerializer,
        find=_report,
    )
    def patch(self, request, report, d):
        return services_block_reports.block_report_update(
            actor=request.user,
            report=report,
            comment=d.get("comment", report.content.get("comment", "")),
            reasons=d.get("reasons"),
            refresh=d["refresh"],
        )


class BlockReportSubmitView(APIView):
    @verb(
        "Направить отчёт блока на согласование (руководителю ЦУР)",
        request=b.SubmitIn,
        answer=b.BlockReportSerializer,
        find=_report,
    )
    def post(self, request, report, d):
        approval = services_block_reports.approval_of_block_report(report)
        approval_submit(actor=request.user, approval=approval, text=d["text"])
        return _report(request, report.pk)
