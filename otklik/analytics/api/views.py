"""The read-only analytics API: the same figures as the dashboards (from the rollups, in the
user's scope), the ratings, and the drill-down to cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.analytics import measures, selectors
from otklik.core.api import CappedCountPagination, CodeField, MatrixPermission
from otklik.core.permissions import Action
from otklik.directory.models import Channel, Municipality, Organization, Sector, Topic


class SliceQuery(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="first day (default: 30 days back)")
    date_to = serializers.DateField(required=False, help_text="last day (default: today)")
    sector = CodeField(slug_field="code", queryset=Sector.objects.all(), required=False)
    topic = CodeField(slug_field="code", queryset=Topic.objects.all(), required=False)
    municipality = CodeField(
        slug_field="okato", queryset=Municipality.objects.all(), required=False
    )
    organization = CodeField(slug_field="code", queryset=Organization.objects.all(), required=False)
    channel = CodeField(slug_field="code", queryset=Channel.objects.all(), required=False)

    def validate(self, attrs):
        from django.utils import timezone

        end = attrs.get("date_to") or timezone.localdate()
        start = attrs.get("date_from") or end - dt.timedelta(days=29)
        if start > end:
            raise serializers.ValidationError("date_from is after date_to")
        attrs["date_from"], attrs["date_to"] = start, end
        return attrs

    def slice(self) -> selectors.Slice:
        d = self.validated_data

        def pk(name: str) -> int | None:
            return d[name].pk if d.get(name) else None

        return selectors.Slice(
            period=selectors.Period(d["date_from"], d["date_to"]),
            sector=pk("sector"),
            topic=pk("topic"),
            municipality=pk("municipality"),
            organization=pk("organization"),
            channel=pk("channel"),
        )


SLICE_PARAMS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=desc)
    for name, desc in (
        ("date_from", "YYYY-MM-DD"),
        ("date_to", "YYYY-MM-DD"),
        ("sector", "sector code"),
        ("topic", "topic code"),
        ("municipality", "OKATO"),
        ("organization", "organisation code"),
        ("channel", "channel code"),
    )
]


def plain(value: Any) -> Any:
    """Model instances as {code, name}; everything else JSON-ready."""
    if isinstance(value, Model):
        code = getattr(value, "code", None) or getattr(value, "okato", None) or value.pk
        return {"code": code, "name": getattr(value, "name", str(value))}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Dashboard(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.ANALYTICS_VIEW
    selector = staticmethod(selectors.picture)

    def get(self, request):
        query = SliceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        s = query.slice()
        data = self.selector(user=request.user, s=s)
        return Response({"date_from": s.period.start, "date_to": s.period.end, **plain(data)})


def _dashboard(name: str, selector, summary: str) -> type[_Dashboard]:
    view = type(f"{name.title()}View", (_Dashboard,), {"selector": staticmethod(selector)})
    view.get = extend_schema(
        parameters=SLICE_PARAMS, responses=OpenApiTypes.OBJECT, summary=summary, tags=["analytics"]
    )(view.get)
    return view


PictureView = _dashboard("picture", selectors.picture, "Volume, trend, map, top problems")
ProcessingView = _dashboard("processing", selectors.processing, "On time, medians, by organisation")
SatisfactionView = _dashboard(
    "satisfaction", selectors.satisfaction, "Surveys by organisation and topic"
)
ConflictsView = _dashboard(
    "conflicts", selectors.conflicts, "Conflict signals, reopened, contested"
)


class MeasuresView(APIView):
    """The definitions of the measures the dashboards, exports and reports show
    (``analytics.measures``): code, Russian label, definition, how it is computed."""

    permission_classes = [MatrixPermission]
    read_action = Action.ANALYTICS_VIEW

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Measure definitions", tags=["analytics"])
    def get(self, request):
        return Response(
            {
                "measures": [
                    {
                        "code": m.code,
                        "label": m.label,
                        "definition": m.definition,
                        "computed": m.computed,
                        "kind": m.kind,
                        "population": m.population,
                    }
                    for m in measures.MEASURES.values()
                ]
            }
        )


class RatingsView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.ANALYTICS_VIEW

    @extend_schema(
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM")],
        responses=OpenApiTypes.OBJECT,
        summary="Leaderboards of a month (the published snapshot when there is one)",
        tags=["analytics"],
    )
    def get(self, request):
        period = selectors.month(request.query_params.get("month"))
        board = selectors.rating_board(user=request.user, period=period)
        method = board["method"]
        return Response(
            {
                "date_from": period.start,
                "date_to": period.end,
                "methodology": method.version if method else None,
                "published_at": board["snapshot"].published_at if board["snapshot"] else None,
                "groups": plain(board["groups"]),
            }
        )


class DrillCasesView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.ANALYTICS_VIEW

    @extend_schema(
        parameters=[
            *SLICE_PARAMS,
            OpenApiParameter(
                "metric", OpenApiTypes.STR, description=", ".join(selectors.DRILL), required=True
            ),
        ],
        responses=OpenApiTypes.OBJECT,
        summary="The cases behind one number",
        tags=["analytics"],
    )
    def get(self, request):
        query = SliceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        metric = request.query_params.get("metric", "")
        if metric not in selectors.DRILL:
            raise serializers.ValidationError({"metric": f"one of: {', '.join(selectors.DRILL)}"})
        qs = selectors.drill_cases(user=request.user, s=query.slice(), metric=metric)
        pager = CappedCountPagination()
        pager.count_budget_ms = selectors.DRILL_COUNT_BUDGET_MS
        page = pager.paginate_queryset(qs, request, view=self)
        rows = [
            {
                "number": c.number,
                "status": c.status,
                "received_at": c.received_at,
                # the moment the metric counted (answered: published, breached: the deadline
                # passed); null for the metrics counted on messages, events or surveys
                "event_at": getattr(c, "event_at", None),
                "sector": c.sector.code if c.sector else None,
                "topic": c.topic.code if c.topic else None,
                "municipality": c.municipality.okato if c.municipality else None,
                "organization": c.organization.code if c.organization else None,
            }
            for c in page
        ]
        return pager.get_paginated_response(rows)
