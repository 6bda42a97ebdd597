"""/api/media/ (the ledger, through the access rule) and /api/media/{id}/checkouts/ (GET the
medium's check-outs, POST a request). Rules are not repeated here: writes go through the services,
whose ValidationError answers 400 naming the field."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from szmz_security.core.api import (
    Conflict,
    DepartmentScopedSerializer,
    DepartmentScopedViewSet,
    service_errors,
)

from ..movements.api import CheckoutSerializer
from ..movements.services import request_checkout
from .models import DESTROYED_MESSAGE, Medium
from .services import delete_medium, save_medium


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


class MediumViewSet(DepartmentScopedViewSet):
    model = Medium
    serializer_class = MediumSerializer
    filterset_fields = ["type", "secrecy_level", "zone", "status", "department", "custodian"]

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("-registered_on", "-pk")

    def perform_create(self, serializer):
        medium = Medium(**serializer.validated_data)
        with service_errors():
            save_medium(medium, by=self.request.user)
        serializer.instance = medium

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        self._check("change", instance)
        if instance.is_destroyed:
            raise serializers.ValidationError({"status": [DESTROYED_MESSAGE]})
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        medium = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(medium, name, value)
        with service_errors():
            save_medium(medium, by=self.request.user)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        try:
            delete_medium(instance, by=self.request.user)
        except DjangoValidationError as error:
            raise Conflict("；".join(error.messages)) from error

    # GET is a page of check-outs like every other list (the schema says so), POST one request.
    @extend_schema(methods=["GET"], responses=CheckoutSerializer(many=True), summary="借用记录")
    @extend_schema(
        methods=["POST"], request=CheckoutSerializer, responses={201: CheckoutSerializer}, summary="申请借用"
    )
    @action(detail=True, methods=["get", "post"])
    def checkouts(self, request, pk=None):
        medium = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(medium.checkouts.order_by("-created_at", "-pk"))
            return self.get_paginated_response(CheckoutSerializer(page, many=True).data)
        body = CheckoutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors():
            checkout = request_checkout(
                medium,
                requester=request.user,
                purpose=data["purpose"],
                zone=data["zone"],
                expected_return_at=data["expected_return_at"],
            )
        return Response(CheckoutSerializer(checkout).data, status=status.HTTP_201_CREATED)
