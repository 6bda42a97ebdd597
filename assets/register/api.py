"""/api/assets/: the register through the access rule."""

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from szmz_security.core.api import (
    DepartmentScopedSerializer,
    DepartmentScopedViewSet,
)

from .filters import AssetFilterSet
from .models import Asset
from .resources import FIELD_NAMES


class AssetSerializer(DepartmentScopedSerializer):
    """Required: number, name, type, department, zone. The rules of ``Asset.clean()`` answer 400
    naming the field."""

    custodian = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label="责任人",
    )

    class Meta:
        model = Asset
        fields = ["id", *FIELD_NAMES, "note", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        candidate = copy.copy(self.instance) if self.instance is not None else Asset()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        if "number" in attrs:
            attrs["number"] = candidate.number
        return attrs


class AssetViewSet(DepartmentScopedViewSet):
    """A record still referenced answers 409 naming the records (core/errors.py)."""

    model = Asset
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet  # the list's filters

    def get_queryset(self):
        return super().get_queryset().select_related("department", "custodian").order_by("number")
