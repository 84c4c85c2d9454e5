"""The ЦУР's roadmap and the programmes over the API: thin — parse, call a selector or a
service, serialize. Reads need ``office.view``; the writes are the responsible executor's
(``roadmap.manage``, checked by the services: a refusal is a 403 with its message, a broken
rule a 400 in the words of the page)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.office import selectors_roadmap, services_roadmap
from otklik.office.api import serializers_roadmap as s
from otklik.office.api.views import _body, _query, _schema
from otklik.office.services_risks import office_today


def _item_response(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    item = selectors_roadmap.roadmap_get(user=request.user, pk=pk, today=office_today())
    return Response(s.RoadmapItemDetailSerializer(item).data, status=code)


class ProgrammeListView(APIView):
    @_schema(
        responses=s.ProgrammeSerializer(many=True),
        summary="Национальные проекты и программы: связанные проекты, показатели, пункты "
        "дорожной карты, отставание показателей нацпроектов",
    )
    def get(self, request):
        rows = selectors_roadmap.sync_overview(user=request.user, today=office_today())
        context = {"rows": {r.programme.pk: r for r in rows}}
        programmes = [r.programme for r in rows]
        return Response(s.ProgrammeSerializer(programmes, many=True, context=context).data)


class RoadmapListView(APIView):
    @_schema(
        parameters=[s.RoadmapQuery],
        responses=s.RoadmapItemSerializer(many=True),
        summary="Дорожная карта ЦУР (по состоянию, ответственному, только просроченные)",
    )
    def get(self, request):
        q = _query(s.RoadmapQuery, request)
        owner = None
        if q.get("owner"):
            owner = get_user_model().objects.filter(username=q["owner"]).first()
            if owner is None:
                return Response([])
        items = selectors_roadmap.roadmap_list(
            user=request.user,
            today=office_today(),
            status=q.get("status", ""),
            owner=owner,
            overdue=q["overdue"],
        )
        return Response(s.RoadmapItemSerializer(items, many=True).data)

    @_schema(
        request=s.RoadmapCreateIn,
        responses={201: s.RoadmapItemDetailSerializer},
        summary="Внести пункт в дорожную карту (ответственный исполнитель)",
    )
    def post(self, request):
        d = _body(s.RoadmapCreateIn, request)
        item = services_roadmap.roadmap_item_create(actor=request.user, **d)
        return _item_response(request, item.pk, status.HTTP_201_CREATED)


class RoadmapItemView(APIView):
    @_schema(responses=s.RoadmapItemDetailSerializer, summary="Пункт дорожной карты с историей")
    def get(self, request, pk: int):
        return _item_response(request, pk)

    @_schema(
        request=s.RoadmapPatchIn,
        responses=s.RoadmapItemDetailSerializer,
        summary="Изменить пункт (поля, которые меняются)",
    )
    def patch(self, request, pk: int):
        return _verb(request, pk, s.RoadmapPatchIn, services_roadmap.roadmap_item_update)


def _verb(request, pk: int, serializer_class, service) -> Response:
    """A verb on an item: its body checked, the service called, the item answered."""
    item = selectors_roadmap.roadmap_get(user=request.user, pk=pk, today=office_today())
    service(actor=request.user, item=item, **_body(serializer_class, request))
    return _item_response(request, pk)


class RoadmapStatusView(APIView):
    @_schema(
        request=s.RoadmapStatusIn,
        responses=s.RoadmapItemDetailSerializer,
        summary="Перевести пункт: в работу, запланирован, отменён (с основанием), вернуть в работу",
    )
    def post(self, request, pk: int):
        return _verb(request, pk, s.RoadmapStatusIn, services_roadmap.roadmap_item_status_set)


class RoadmapDoneView(APIView):
    @_schema(
        request=s.RoadmapDoneIn,
        responses=s.RoadmapItemDetailSerializer,
        summary="Отметить пункт выполненным с подтверждением (документ и/или ссылка)",
    )
    def post(self, request, pk: int):
        return _verb(request, pk, s.RoadmapDoneIn, services_roadmap.roadmap_item_done)
