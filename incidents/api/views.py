from szmz_security.core.api import DepartmentScopedViewSet

from .. import services
from ..models import Incident
from .serializers import IncidentSerializer


class IncidentViewSet(DepartmentScopedViewSet):
    model = Incident
    serializer_class = IncidentSerializer
    filterset_fields = ["department", "secret_leak"]

    def get_queryset(self):
        return super().get_queryset().select_related("department")

    def perform_create(self, serializer):
        serializer.instance = services.file_incident(
            Incident(**serializer.validated_data, reported_by=self.request.user)
        )
