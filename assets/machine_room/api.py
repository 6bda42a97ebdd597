"""/api/machine-rooms/."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet

from .models import ROOM_FIELDS, MachineRoom


class MachineRoomSerializer(DepartmentScopedSerializer):
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), label="机房负责人"
    )

    class Meta:
        model = MachineRoom
        fields = ["id", *ROOM_FIELDS, "note"]


class MachineRoomViewSet(DepartmentScopedViewSet):
    """/api/machine-rooms/."""

    model = MachineRoom
    serializer_class = MachineRoomSerializer
    filterset_fields = ["department", "active"]

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("name")
