"""/api/archive-series/: grading through the same services and access rule as the screens."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet, service_errors
from szmz_security.org.access import can

from . import services
from .models import ArchiveSeries, Grade


class ArchiveSeriesSerializer(DepartmentScopedSerializer):
    graded_by = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), label="定级人"
    )

    class Meta:
        model = ArchiveSeries
        fields = [
            "id",
            "code",
            "name",
            "department",
            "grade",
            "basis",
            "superior_approval",
            "graded_on",
            "graded_by",
            "review_period_years",
            "next_review_on",
            "note",
        ]
        read_only_fields = ["next_review_on"]


class RegradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(label="保密等级", choices=Grade.choices)
    basis = serializers.CharField(label="定级依据")
    superior_approval = serializers.CharField(
        label="上级批准文号", max_length=100, required=False, allow_blank=True
    )
    reason = serializers.CharField(label="复评/调整理由")
    graded_on = serializers.DateField(label="复评日期")


class ArchiveSeriesViewSet(DepartmentScopedViewSet):
    model = ArchiveSeries
    serializer_class = ArchiveSeriesSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("code")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.save_series(ArchiveSeries(**serializer.validated_data))

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        with service_errors():
            serializer.instance = services.save_series(instance)

    @extend_schema(request=RegradeSerializer, responses=ArchiveSeriesSerializer, summary="重新定级（复评）")
    @action(detail=True, methods=["post"])
    def regrade(self, request, pk=None):
        series = self.get_object()
        if not can(request.user, "change", series):
            raise PermissionDenied("您没有权限重新定级。")
        body = RegradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("grade"):
            series = services.regrade(series, by=request.user, **body.validated_data)
        return Response(self.get_serializer(series).data)
