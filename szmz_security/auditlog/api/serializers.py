from rest_framework import serializers

from ..models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "kind",
            "log_class",
            "outcome",
            "user",
            "username",
            "ip_address",
            "object_repr",
            "detail",
        ]
        read_only_fields = fields
