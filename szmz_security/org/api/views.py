from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from szmz_security.core.api import ReadOnlyScopedViewSet

from ..models import Department
from .serializers import DepartmentSerializer, MeSerializer


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user with their departments and roles."""
    return Response(MeSerializer(request.user).data)


class DepartmentViewSet(ReadOnlyScopedViewSet):
    model = Department
    serializer_class = DepartmentSerializer
    filterset_fields = ["kind", "parent", "is_active"]
