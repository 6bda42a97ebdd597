"""The media API's shapes. Rules are not repeated here: the views hand the validated fields to
``media_control.services`` and turn their ValidationError into a 400 naming the field."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from szmz_security.core.api import DepartmentScopedSerializer, ModelSerializer

from ..models import Checkout, Medium


class MediumSerializer(DepartmentScopedSerializer):
    number = serializers.CharField(
        required=False, allow_blank=True, max_length=50, label="编号", help_text="省略时按编号规则自动生成。"
    )
    custodian = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label="保管人",
    )
    marking = serializers.CharField(read_only=True, label="密级标志")

    class Meta:
        model = Medium
        fields = [
            "id",
            "number",
            "type",
            "brand",
            "model_number",
            "serial",
            "capacity",
            "secrecy_level",
            "protection_years",
            "marking",
            "zone",
            "custodian",
            "department",
            "status",
            "registered_on",
            "note",
            "restricted",
            "incident",
        ]
        read_only_fields = ["restricted", "incident"]

    def validate_number(self, value):
        value = (value or "").strip()
        if self.instance is not None and value and value != self.instance.number:
            raise serializers.ValidationError("已登记介质的编号不能修改。")
        if (
            value
            and Medium.objects.filter(number=value).exclude(pk=getattr(self.instance, "pk", None)).exists()
        ):
            raise serializers.ValidationError("该编号已被使用。")
        return value

    def validate_status(self, value):
        # Status moves through check-out, repair, loss and destruction, never by a plain edit.
        current = self.instance.status if self.instance is not None else Medium.Status.IN_STOCK
        if value != current:
            raise serializers.ValidationError("状态由借用、维修、遗失和销毁流程改变，不能直接修改。")
        return value


class CheckoutSerializer(ModelSerializer):
    requester = serializers.PrimaryKeyRelatedField(read_only=True)
    # Blank until the medium comes back; DRF drops allow_blank from a read-only field, so the
    # schema would otherwise promise one of the three conditions.
    condition = serializers.ChoiceField(choices=Checkout.Condition.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Checkout
        fields = [
            "id",
            "medium",
            "requester",
            "purpose",
            "zone",
            "expected_return_at",
            "state",
            "created_at",
            "head_approved_by",
            "head_approved_at",
            "secrecy_approved_by",
            "secrecy_approved_at",
            "handed_out_at",
            "returned_at",
            "condition",
            "obligation",
        ]
        read_only_fields = [name for name in fields if name not in ("purpose", "zone", "expected_return_at")]
