from rest_framework import serializers

from szmz_security.core.api import ContentRedactionMixin, ModelSerializer

from ..models import Notification, NotificationReceipt, Obligation


class ObligationSerializer(ContentRedactionMixin, ModelSerializer):
    overdue = serializers.SerializerMethodField()
    # Null for an obligation about no particular record (the schema says nullable).
    subject_type = serializers.SlugRelatedField(slug_field="model", read_only=True, allow_null=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "title",
            "kind",
            "clause",
            "authority",
            "department",
            "subject_type",
            "subject_id",
            "created_at",
            "due_at",
            "state",
            "overdue",
            "met_at",
            "evidence",
            "waived_reason",
        ]
        read_only_fields = fields
        public_fields = ["overdue", "subject_type", "subject_id"]

    def get_overdue(self, obligation) -> bool:
        return obligation.is_overdue()


class NotificationSerializer(ModelSerializer):
    # The reader's own state, annotated with the rows (Notification.objects.visible_to).
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    email_status = serializers.ChoiceField(choices=NotificationReceipt.EmailStatus.choices, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "level", "created_at", "read_at", "email_status"]
        read_only_fields = fields
