"""/api/media/ (the ledger, through the access rule) and /api/media/{id}/checkouts/ (GET the
medium's check-outs, POST a request). Writes go through ``media_control.services``; their
ValidationError answers 400 naming the field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedViewSet, service_errors

from .. import services
from ..models import Medium
from .serializers import CheckoutSerializer, MediumSerializer


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "该介质已有记录，不能删除。"
    default_code = "protected"


class MediumViewSet(DepartmentScopedViewSet):
    model = Medium
    serializer_class = MediumSerializer
    filterset_fields = ["type", "secrecy_level", "zone", "status", "department", "custodian"]

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("-registered_on", "-pk")

    def perform_create(self, serializer):
        medium = Medium(**serializer.validated_data)
        with transaction.atomic(), service_errors():
            services.save_medium(medium, by=self.request.user)
        serializer.instance = medium

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        self._check("change", instance)
        if instance.is_destroyed:
            raise _destroyed()
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        medium = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(medium, name, value)
        with transaction.atomic(), service_errors():
            services.save_medium(medium, by=self.request.user)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        try:
            services.delete_medium(instance, by=self.request.user)
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
        with transaction.atomic(), service_errors():
            checkout = services.request_checkout(
                medium,
                requester=request.user,
                purpose=data["purpose"],
                zone=data["zone"],
                expected_return_at=data["expected_return_at"],
            )
        return Response(CheckoutSerializer(checkout).data, status=status.HTTP_201_CREATED)


def _destroyed():
    from rest_framework.exceptions import ValidationError

    return ValidationError({"status": ["该介质已销毁，记录只读，不能再作任何修改。"]})
