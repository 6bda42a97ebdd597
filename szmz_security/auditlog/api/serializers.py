from szmz_security.core.api import ModelSerializer

from ..models import AuditEvent


class AuditEventSerializer(ModelSerializer):
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
