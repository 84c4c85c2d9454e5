"""Reference-data API: read for every role, topic edits for roles that may edit references."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.core.api import MatrixPermission
from otklik.core.permissions import Action
from otklik.directory.api import serializers as s
from otklik.directory.filters import OrganizationFilter
from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)
from otklik.directory.services import topic_update
from otklik.directory.summary import region_summary


class _ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [MatrixPermission]
    read_action = Action.REFERENCE_VIEW
    write_action = Action.REFERENCE_EDIT
    pagination_class = None


class MunicipalityViewSet(_ReferenceViewSet):
    queryset = Municipality.objects.all()
    serializer_class = s.MunicipalitySerializer
    lookup_field = "okato"
    filterset_fields = ["kind"]


class CityDistrictViewSet(_ReferenceViewSet):
    queryset = CityDistrict.objects.select_related("municipality")
    serializer_class = s.CityDistrictSerializer
    lookup_field = "okato"


class SectorViewSet(_ReferenceViewSet):
    queryset = Sector.objects.all()
    serializer_class = s.SectorSerializer
    lookup_field = "code"


class TopicFilter(filters.FilterSet):
    sector = filters.CharFilter(field_name="sector__code")

    class Meta:
        model = Topic
        fields = ["sector", "is_active"]


class TopicViewSet(mixins.UpdateModelMixin, _ReferenceViewSet):
    queryset = Topic.objects.select_related("sector")
    serializer_class = s.TopicSerializer
    lookup_field = "code"
    filterset_class = TopicFilter
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = topic_update(
            actor=self.request.user, topic=serializer.instance, **serializer.validated_data
        )


class OrganizationViewSet(_ReferenceViewSet):
    queryset = Organization.objects.select_related("parent", "municipality").prefetch_related(
        "sectors", "municipalities"
    )
    serializer_class = s.OrganizationSerializer
    lookup_field = "code"
    filterset_class = OrganizationFilter  # the list's parameters in the schema

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        # the page's filters, checked and applied the same way (an invalid one: 400)
        return OrganizationFilter(self.request.query_params, request=self.request).checked_qs()


class ChannelViewSet(_ReferenceViewSet):
    queryset = Channel.objects.all()
    serializer_class = s.ChannelSerializer
    lookup_field = "code"


class InputKindViewSet(_ReferenceViewSet):
    queryset = InputKind.objects.all()
    serializer_class = s.InputKindSerializer
    lookup_field = "code"


class RegionSummaryView(APIView):
    permission_classes = [MatrixPermission]
    read_action = Action.REFERENCE_VIEW

    @extend_schema(responses=s.RegionSummarySerializer)
    def get(self, request):
        return Response(region_summary())
