from szmz_security.core.api import ReadOnlyScopedViewSet

from ..filters import ObligationFilterSet
from ..models import Notification, Obligation
from .serializers import NotificationSerializer, ObligationSerializer


class ObligationViewSet(ReadOnlyScopedViewSet):
    """Obligations are created by the records that owe them and closed in the UI or by their
    app's API; here they are read through the access rule."""

    model = Obligation
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("subject_type")


class NotificationViewSet(ReadOnlyScopedViewSet):
    model = Notification
    serializer_class = NotificationSerializer
