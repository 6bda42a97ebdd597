"""/api/audits/service-contracts/ (with activate / end actions), vendor-staff, outsourcing-reviews."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet, service_errors

from . import services
from .models import OutsourcingReview, ServiceContract, VendorStaffAccess


class ServiceContractSerializer(DepartmentScopedSerializer):
    class Meta:
        model = ServiceContract
        fields = [
            "id", "department", "vendor", "title", "scope", "systems", "starts_on", "ends_on",
            "agreement_signed_on", "contact", "status", "ended_on",
        ]  # fmt: skip
        read_only_fields = ["status", "ended_on"]


class EndSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[ServiceContract.Status.EXPIRED, ServiceContract.Status.TERMINATED], label="结束方式"
    )


class ServiceContractViewSet(DepartmentScopedViewSet):
    # Create and the actions only: a record is corrected on its page (with its history), never
    # overwritten or deleted through the API.
    http_method_names = ["get", "post", "head", "options"]
    model = ServiceContract
    serializer_class = ServiceContractSerializer
    filterset_fields = ["department", "status", "scope"]

    def get_queryset(self):
        return super().get_queryset().select_related("department", "vendor").order_by("pk")

    def _changeable(self):
        contract = self.get_object()
        if (
            not ServiceContract.objects.visible_to(self.request.user, "change")
            .filter(pk=contract.pk)
            .exists()
        ):
            raise PermissionDenied("您没有权限执行此操作。")
        return contract

    @extend_schema(request=None, responses=ServiceContractSerializer, summary="合同生效")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        contract = self._changeable()
        with service_errors("status"):
            services.activate(contract, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=contract.pk)).data)

    @extend_schema(request=EndSerializer, responses=ServiceContractSerializer, summary="合同到期/终止")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        contract = self._changeable()
        body = EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("status"):
            services.end_contract(contract, by=request.user, status=body.validated_data["status"])
        return Response(self.get_serializer(self.get_queryset().get(pk=contract.pk)).data)


class VendorStaffAccessSerializer(DepartmentScopedSerializer):
    department = serializers.PrimaryKeyRelatedField(read_only=True, label="所属部门")
    contract = serializers.PrimaryKeyRelatedField(queryset=ServiceContract.objects.all(), label="外包合同")

    class Meta:
        model = VendorStaffAccess
        fields = [
            "id", "department", "contract", "name", "identifier", "role", "access_scope",
            "access_granted_on", "access_revoked_on", "commitment_signed_on",
        ]  # fmt: skip

    def validate_contract(self, contract):
        user = self.context["request"].user
        if not ServiceContract.objects.visible_to(user, "change").filter(pk=contract.pk).exists():
            raise serializers.ValidationError("您不能为该合同登记外包人员。")
        return contract


class OutsourcingReviewSerializer(DepartmentScopedSerializer):
    department = serializers.PrimaryKeyRelatedField(read_only=True, label="所属部门")
    contract = serializers.PrimaryKeyRelatedField(queryset=ServiceContract.objects.all(), label="外包合同")
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), label="审查人"
    )

    class Meta:
        model = OutsourcingReview
        fields = [
            "id",
            "department",
            "contract",
            "reviewed_on",
            "reviewer",
            "conclusion",
            "issues",
            "obligation",
        ]
        read_only_fields = ["obligation"]

    def validate_contract(self, contract):
        user = self.context["request"].user
        if not ServiceContract.objects.visible_to(user, "change").filter(pk=contract.pk).exists():
            raise serializers.ValidationError("您不能为该合同登记审查。")
        return contract


class VendorStaffAccessViewSet(DepartmentScopedViewSet):
    # Create and the actions only: a record is corrected on its page (with its history), never
    # overwritten or deleted through the API.
    http_method_names = ["get", "post", "head", "options"]
    model = VendorStaffAccess
    serializer_class = VendorStaffAccessSerializer
    filterset_fields = ["contract"]

    def get_queryset(self):
        return super().get_queryset().select_related("department", "contract").order_by("pk")

    def perform_create(self, serializer):
        with service_errors("access_revoked_on"):
            serializer.instance = services.save_staff_access(VendorStaffAccess(**serializer.validated_data))


class OutsourcingReviewViewSet(DepartmentScopedViewSet):
    # Create and the actions only: a record is corrected on its page (with its history), never
    # overwritten or deleted through the API.
    http_method_names = ["get", "post", "head", "options"]
    model = OutsourcingReview
    serializer_class = OutsourcingReviewSerializer
    filterset_fields = ["contract"]

    def get_queryset(self):
        return super().get_queryset().select_related("department", "contract", "reviewer").order_by("pk")

    def perform_create(self, serializer):
        review = OutsourcingReview(**serializer.validated_data)
        serializer.instance = services.save_review(review, by=self.request.user)
