from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from otklik.accounts.api.serializers import MeSerializer


class MeView(APIView):
    """The acting user: role, scope and what the permission matrix allows them."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
