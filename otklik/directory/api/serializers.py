from rest_framework import serializers

from otklik.core.api import CodeField
from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)


class CityDistrictSerializer(serializers.ModelSerializer):
    municipality = CodeField(slug_field="okato", read_only=True)

    class Meta:
        model = CityDistrict
        fields = [
            "okato",
            "name",
            "municipality",
            "area_km2",
            "population",
            "population_year",
            "latitude",
            "longitude",
        ]


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = [
            "okato",
            "name",
            "full_name",
            "kind",
            "admin_centre",
            "centre_in_other",
            "latitude",
            "longitude",
            "population",
            "population_year",
        ]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name", "description"]


class TopicSerializer(serializers.ModelSerializer):
    sector = CodeField(slug_field="code", queryset=Sector.objects.all())

    class Meta:
        model = Topic
        fields = [
            "code",
            "sector",
            "name",
            "totk_code",
            "description",
            "examples",
            "keywords",
            "is_active",
        ]
        read_only_fields = ["code"]


class OrganizationSerializer(serializers.ModelSerializer):
    parent = CodeField(slug_field="code", read_only=True, allow_null=True)
    sectors = CodeField(slug_field="code", many=True, read_only=True)
    municipalities = CodeField(slug_field="okato", many=True, read_only=True)
    municipality = CodeField(slug_field="okato", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "sectors",
            "serves_whole_region",
            "municipalities",
            "municipality",
            "address",
            "email",
            "phone",
            "website",
            "valid_from",
            "valid_to",
        ]


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["code", "name", "description", "is_public"]


class InputKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = InputKind
        fields = ["code", "name", "legal_basis", "description"]


class RegionSummarySerializer(serializers.Serializer):
    municipalities = serializers.IntegerField()
    city_districts = serializers.IntegerField()
    sectors = serializers.IntegerField()
    topics = serializers.IntegerField()
    organizations = serializers.IntegerField()
    roles = serializers.IntegerField()
    channels = serializers.IntegerField()
    input_kinds = serializers.IntegerField()
