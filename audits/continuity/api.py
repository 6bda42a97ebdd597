"""/api/emergency-plans/ and /api/emergency-drills/: the same access rule and the
same services as the screens (approve and record-held are actions)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet, service_errors

from . import services
from .filters import EmergencyDrillFilterSet, EmergencyPlanFilterSet
from .models import EmergencyDrill, EmergencyPlan


class EmergencyPlanSerializer(DepartmentScopedSerializer):
    class Meta:
        model = EmergencyPlan
        fields = [
            "id",
            "title",
            "version",
            "scope",
            "summary",
            "supersedes",
            "status",
            "approved_by",
            "approved_on",
            "next_review_on",
            "department",
            "created_at",
        ]
        read_only_fields = ["status", "approved_by", "approved_on", "created_at"]


class PlanApproveSerializer(serializers.Serializer):
    approved_on = serializers.DateField(required=False, label="批准日期")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, label="批准意见")


class EmergencyDrillSerializer(DepartmentScopedSerializer):
    participants = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True, required=False, label="参演人员"
    )

    class Meta:
        model = EmergencyDrill
        fields = [
            "id",
            "plan",
            "planned_on",
            "held_on",
            "scenario",
            "participants",
            "participant_text",
            "findings",
            "improvements",
            "status",
            "department",
            "created_at",
        ]
        read_only_fields = ["held_on", "status", "created_at"]

    def validate_plan(self, plan):
        request = self.context["request"]
        if not EmergencyPlan.objects.visible_to(request.user).filter(pk=plan.pk).exists():
            raise serializers.ValidationError("应急预案不存在。")
        return plan


class DrillHeldSerializer(serializers.Serializer):
    held_on = serializers.DateField(label="实施日期")
    findings = serializers.CharField(allow_blank=True, required=False, default="", label="发现的问题")
    improvements = serializers.CharField(allow_blank=True, required=False, default="", label="改进措施")


class EmergencyPlanViewSet(DepartmentScopedViewSet):
    model = EmergencyPlan
    serializer_class = EmergencyPlanSerializer
    filterset_class = EmergencyPlanFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("title", "-created_at", "-pk")

    def perform_create(self, serializer):
        plan = EmergencyPlan(**serializer.validated_data)
        with service_errors():
            services.save_plan(plan)
        serializer.instance = plan

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        plan = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(plan, name, value)
        with service_errors():
            services.save_plan(plan)

    @extend_schema(request=PlanApproveSerializer, responses=EmergencyPlanSerializer, summary="批准（局领导）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        if not services.may_approve(request.user):
            raise PermissionDenied("只有局领导可以批准应急预案。")
        body = PlanApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("status"):
            services.approve_plan(plan, by=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)


class EmergencyDrillViewSet(DepartmentScopedViewSet):
    model = EmergencyDrill
    serializer_class = EmergencyDrillSerializer
    filterset_class = EmergencyDrillFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "plan")
            .prefetch_related("participants")
            .order_by("-planned_on", "-pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        participants = data.pop("participants", [])
        drill = EmergencyDrill(**data)
        with service_errors():
            services.save_drill(drill, participants)
        serializer.instance = drill

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        data = dict(serializer.validated_data)
        participants = data.pop("participants", None)
        drill = serializer.instance
        for name, value in data.items():
            setattr(drill, name, value)
        with service_errors():
            services.save_drill(drill, participants)

    @extend_schema(request=DrillHeldSerializer, responses=EmergencyDrillSerializer, summary="记录演练实施")
    @action(detail=True, methods=["post"], url_path="record-held")
    def record_held(self, request, pk=None):
        drill = self.get_object()
        self._check("change", drill)
        body = DrillHeldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("held_on"):
            services.record_drill_held(drill, by=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=drill.pk)).data)
