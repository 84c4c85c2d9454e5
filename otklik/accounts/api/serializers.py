from rest_framework import serializers

from otklik.accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(read_only=True)
    scope_label = serializers.CharField(read_only=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    municipality = serializers.SlugRelatedField(slug_field="okato", read_only=True, allow_null=True)
    permissions = serializers.SerializerMethodField()
    # /api/v1/me answers only the user about themselves; no other endpoint gives a СНИЛС
    snils = serializers.CharField(source="snils_display", read_only=True)

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "middle_name",
            "position",
            "snils",
            "role",
            "role_label",
            "sector",
            "organization",
            "municipality",
            "scope_label",
            "permissions",
        ]

    def get_permissions(self, user) -> dict[str, str]:
        from otklik.core.permissions import Action, scope_for

        return {str(action): str(scope_for(user, action)) for action in Action}
