"""/api/personal-data-inventories/ (with the yearly ``review`` action) and
/api/personal-data-destructions/ (recorded through the same service as the page)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet

from . import services
from .filters import PersonalDataDestructionFilterSet, PersonalDataInventoryFilterSet
from .models import Category, PersonalDataDestruction, PersonalDataInventory


def service_errors(error):
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


class ModelRulesMixin:
    """The model's ``clean()`` rules (sensitive categories, consent, witness) as API 400s."""

    def validate(self, attrs):
        instance = self.Meta.model(**{**self._current(), **attrs})
        try:
            instance.clean()
        except ValidationError as error:
            raise serializers.ValidationError(service_errors(error)) from error
        return attrs

    def _current(self):
        if self.instance is None:
            return {}
        return {
            field.name: getattr(self.instance, field.name) for field in self.Meta.model._meta.concrete_fields
        }


class PersonalDataInventorySerializer(ModelRulesMixin, DepartmentScopedSerializer):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), allow_empty=False
    )

    class Meta:
        model = PersonalDataInventory
        fields = [
            "id",
            "department",
            "system",
            "dataset",
            "subjects",
            "categories",
            "purpose",
            "legal_basis",
            "consent_method",
            "necessity",
            "retention_months",
            "storage_location",
            "access_scope",
            "security_measures",
            "last_reviewed_on",
            "note",
        ]
        read_only_fields = ["last_reviewed_on"]


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, label="核查情况")


class PersonalDataInventoryViewSet(DepartmentScopedViewSet):
    model = PersonalDataInventory
    serializer_class = PersonalDataInventorySerializer
    filterset_class = PersonalDataInventoryFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("pk")

    @action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def review(self, request, pk=None):
        """The year's review (meets its obligation) — the same service as the page."""
        inventory = self.get_object()
        self._check("change", inventory)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            inventory = services.review_inventory(
                inventory, by=request.user, note=data.validated_data["note"]
            )
        except ValidationError as error:
            raise serializers.ValidationError(service_errors(error)) from error
        return Response(PersonalDataInventorySerializer(inventory, context={"request": request}).data)


class PersonalDataDestructionSerializer(ModelRulesMixin, serializers.ModelSerializer):
    performed_by = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    witness = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))

    class Meta:
        model = PersonalDataDestruction
        fields = [
            "id",
            "department",
            "inventory",
            "destroyed_on",
            "scope",
            "record_count",
            "method",
            "performed_by",
            "witness",
            "note",
        ]
        read_only_fields = ["department"]

    def validate_inventory(self, inventory):
        user = self.context["request"].user
        if not PersonalDataInventory.objects.visible_to(user, "change").filter(pk=inventory.pk).exists():
            raise serializers.ValidationError("您不能为该清单登记销毁记录。")
        return inventory


class PersonalDataDestructionViewSet(DepartmentScopedViewSet):
    model = PersonalDataDestruction
    serializer_class = PersonalDataDestructionSerializer
    filterset_class = PersonalDataDestructionFilterSet
    http_method_names = ["get", "post", "head", "options"]  # a destruction is recorded, never edited

    def get_queryset(self):
        return super().get_queryset().select_related("inventory").order_by("-destroyed_on", "-pk")

    def perform_create(self, serializer):
        # The add permission was checked by DepartmentScopedViewSet.create.
        try:
            serializer.instance = services.record_destruction(
                PersonalDataDestruction(**serializer.validated_data), by=self.request.user
            )
        except ValidationError as error:
            raise serializers.ValidationError(service_errors(error)) from error
