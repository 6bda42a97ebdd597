from django.utils import timezone
from rest_framework import serializers

from szmz_security.core.api import DepartmentScopedSerializer

from ..models import Incident


class IncidentSerializer(DepartmentScopedSerializer):
    reported_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "description",
            "discovered_at",
            "department",
            "secret_leak",
            "restricted",
            "reported_by",
            "created_at",
        ]
        read_only_fields = ["restricted", "created_at"]

    def validate_discovered_at(self, value):
        if value > timezone.now():
            raise serializers.ValidationError("发现时间不能晚于当前时间。")
        return value
