"""Requests and tasks over the API: thin — parse, call a selector or a service, serialize.
Reads are scoped by ``correspondence.view`` (a list without the right is a 403; one request,
item or incoming request the user may not see is a 404, before the body is read); the verbs
are checked by the services (a refusal is a 403 with its message, a broken rule a 400 in the
words of the page). A summary's and an answer's route is the approvals API: each names its
approval."""

from __future__ import annotations

import functools
from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.approvals.selectors import approval_of
from otklik.core.permissions import Action, access_check
from otklik.correspondence import selectors, services, services_incoming
from otklik.correspondence.api import serializers as s

TAGS = ["correspondence"]


def _data(serializer_class, data) -> dict:
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _assignment(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    a = selectors.assignment_get(user=request.user, pk=pk)
    mine = selectors.item_list(user=request.user).filter(assignment=a)
    visible = set(mine.values_list("pk", flat=True))
    rows = [
        r
        for r in selectors.consolidated(assignment=a, today=services.corr_today())
        if r.item.pk in visible
    ]
    approval = approval_of(kind=services.SUMMARY, target_id=a.pk)
    data = s.AssignmentDetailSerializer(a, context={"rows": rows, "approval": approval}).data
    return Response(data, status=code)


def _item(request, pk: int) -> Response:
    item = selectors.item_get(user=request.user, pk=pk)
    context = {"user": request.user, "today": services.corr_today()}
    return Response(s.CorrItemDetailSerializer(item, context=context).data)


def _incoming(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    incoming = selectors.incoming_get(user=request.user, pk=pk)
    return Response(s.IncomingSerializer(incoming).data, status=code)


def verb(summary: str, *, request, answer, find: Callable) -> Callable:
    """A verb's endpoint: ``find`` the object in the user's scope (404 before the body is
    read), parse the body, call the service, answer with the object as it now is."""

    def decorate(method: Callable) -> Callable:
        @extend_schema(tags=TAGS, request=request, responses=answer, summary=summary)
        @functools.wraps(method)
        def handler(self, req, pk: int):
            obj = find(user=req.user, pk=pk)
            method(self, req, obj, _data(request, req.data))
            return (_incoming if answer is s.IncomingSerializer else _item)(req, pk)

        return handler

    return decorate


class AssignmentListView(APIView):
    @extend_schema(
        tags=TAGS,
        responses=s.AssignmentSerializer(many=True),
        summary="Запросы и поручения ЦУР (организации — адресованные ей)",
    )
    def get(self, request):
        access_check(request.user, Action.CORR_VIEW)
        rows = selectors.assignment_list(user=request.user)[:500]
        return Response(s.AssignmentSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.SendIn,
        responses={201: s.AssignmentDetailSerializer},
        summary="Направить запрос или поручение организациям",
    )
    def post(self, request):
        d = _data(s.SendIn, request.data)
        a = services.assignment_send(actor=request.user, **d)
        return _assignment(request, a.pk, status.HTTP_201_CREATED)


class AssignmentDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        responses=s.AssignmentDetailSerializer,
        summary="Запрос (поручение) со сводной таблицей исполнения",
    )
    def get(self, request, pk: int):
        return _assignment(request, pk)


class SummaryView(APIView):
    @extend_schema(
        tags=TAGS,
        request=s.SummaryIn,
        responses=s.AssignmentDetailSerializer,
        summary="Итоговая справка: направить на согласование",
    )
    def post(self, request, pk: int):
        a = selectors.assignment_get(user=request.user, pk=pk)
        d = _data(s.SummaryIn, request.data)
        services.summary_submit(actor=request.user, assignment=a, **d)
        return _assignment(request, pk)


class ItemListView(APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[s.CorrItemQuery],
        responses=s.CorrItemSerializer(many=True),
        summary="Очередь запросов и поручений (организации — свои, открытые первыми)",
    )
    def get(self, request):
        access_check(request.user, Action.CORR_VIEW)
        q = _data(s.CorrItemQuery, request.query_params)
        items = selectors.item_list(user=request.user, state=q.get("state", ""))[:500]
        context = {"today": services.corr_today()}
        return Response(s.CorrItemSerializer(items, many=True, context=context).data)


class ItemDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        responses=s.CorrItemDetailSerializer,
        summary="Запрос (поручение) организации: ответы, история, доступные действия",
    )
    def get(self, request, pk: int):
        return _item(request, pk)


class ItemAnswerView(APIView):
    @verb(
        "Ответ организации (текст и файлы)",
        request=s.CorrAnswerIn,
        answer=s.CorrItemDetailSerializer,
        find=selectors.item_get,
    )
    def post(self, request, item, d):
        services.item_answer(actor=request.user, item=item, **d)


class ItemAcceptView(APIView):
    @verb(
        "Принять ответ организации",
        request=s.CorrAcceptIn,
        answer=s.CorrItemDetailSerializer,
        find=selectors.item_get,
    )
    def post(self, request, item, d):
        services.item_accept(actor=request.user, item=item, **d)


class ItemReturnView(APIView):
    @verb(
        "Вернуть ответ на доработку (с причиной)",
        request=s.CorrReasonIn,
        answer=s.CorrItemDetailSerializer,
        find=selectors.item_get,
    )
    def post(self, request, item, d):
        services.item_return(actor=request.user, item=item, **d)


class ItemWithdrawView(APIView):
    @verb(
        "Отозвать у организации (с причиной)",
        request=s.CorrReasonIn,
        answer=s.CorrItemDetailSerializer,
        find=selectors.item_get,
    )
    def post(self, request, item, d):
        services.item_withdraw(actor=request.user, item=item, **d)


class IncomingListView(APIView):
    @extend_schema(
        tags=TAGS,
        responses=s.IncomingSerializer(many=True),
        summary="Входящие запросы Минцифры и центра компетенций",
    )
    def get(self, request):
        access_check(request.user, Action.CORR_VIEW)
        rows = selectors.incoming_list(user=request.user)[:500]
        return Response(s.IncomingSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.IncomingIn,
        responses={201: s.IncomingSerializer},
        summary="Зарегистрировать входящий запрос",
    )
    def post(self, request):
        d = _data(s.IncomingIn, request.data)
        incoming = services_incoming.incoming_register(actor=request.user, **d)
        return _incoming(request, incoming.pk, status.HTTP_201_CREATED)


class IncomingDetailView(APIView):
    @extend_schema(tags=TAGS, responses=s.IncomingSerializer, summary="Входящий запрос")
    def get(self, request, pk: int):
        return _incoming(request, pk)


class IncomingAssignView(APIView):
    @verb(
        "Назначить исполнителя входящего запроса",
        request=s.IncomingAssignIn,
        answer=s.IncomingSerializer,
        find=selectors.incoming_get,
    )
    def post(self, request, incoming, d):
        services_incoming.incoming_assign(actor=request.user, incoming=incoming, **d)


class IncomingAnswerView(APIView):
    @verb(
        "Ответ на входящий запрос: направить на согласование",
        request=s.IncomingAnswerIn,
        answer=s.IncomingSerializer,
        find=selectors.incoming_get,
    )
    def post(self, request, incoming, d):
        parts = [dict(p) for p in d.pop("parts")]
        services_incoming.incoming_answer_submit(
            actor=request.user, incoming=incoming, parts=parts, **d
        )
