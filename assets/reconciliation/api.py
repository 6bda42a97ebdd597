"""/api/reconciliations/: upload a scan, read a run and its items, resolve an item, sign off."""

import django_filters
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedViewSet, ModelSerializer, service_errors
from szmz_security.core.choices import NetworkZone
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from ..register.models import Asset
from . import services
from .models import Reconciliation, ReconciliationItem


class ReconciliationItemSerializer(ModelSerializer):
    class Meta:
        model = ReconciliationItem
        fields = [
            "id",
            "kind",
            "ip",
            "mac",
            "hostname",
            "seen_at",
            "detail",
            "assignment",
            "asset",
            "resolution",
            "resolution_note",
            "incident",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class ReconciliationSerializer(ModelSerializer):
    processed_rows = serializers.IntegerField(read_only=True, label="已比对")
    progress_percent = serializers.IntegerField(read_only=True, label="进度（%）")
    item_count = serializers.IntegerField(read_only=True, label="差异")
    open_count = serializers.IntegerField(read_only=True, label="待处理")

    class Meta:
        model = Reconciliation
        fields = [
            "id",
            "month",
            "zone",
            "source",
            "department",
            "state",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "item_count",
            "open_count",
            "error_message",
            "uploaded_by",
            "uploaded_at",
            "signed_off_by",
            "signed_off_at",
            "sign_off_note",
            "obligation",
        ]
        read_only_fields = fields


class ReconciliationDetailSerializer(ReconciliationSerializer):
    items = serializers.SerializerMethodField()

    class Meta(ReconciliationSerializer.Meta):
        fields = [*ReconciliationSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(ReconciliationItemSerializer(many=True))
    def get_items(self, run):
        items = run.items.select_related(None).order_by("kind", "ip", "pk")
        return ReconciliationItemSerializer(items, many=True, context=self.context).data


class ReconciliationCreateSerializer(serializers.Serializer):
    """A scan: a CSV file ``scan`` (multipart) or JSON ``rows``; every row is validated first."""

    zone = serializers.ChoiceField(choices=NetworkZone.choices, label="网络区域")
    source = serializers.ChoiceField(
        choices=Reconciliation.Source.choices, default=Reconciliation.Source.OTHER, label="数据来源"
    )
    month = serializers.DateField(
        validators=[validate_plausible_date],
        required=False,
        allow_null=True,
        label="核查月份",
        help_text="该月任一天；默认本月。",
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label="负责部门",
        help_text="默认为 ASSETS_RECONCILIATION_DEPARTMENT。",
    )
    scan = serializers.FileField(required=False, label="扫描文件（CSV）")
    # Validated row by row by the service (line numbers and reasons), so taken as it comes here.
    rows = serializers.JSONField(
        required=False, label="扫描记录", help_text='[{"ip":…, "mac":…, "hostname":…, "time":…}]'
    )

    def validate(self, attrs):
        if ("scan" in attrs) == ("rows" in attrs):
            raise serializers.ValidationError(
                {"scan": "请上传扫描文件（scan）或提交扫描记录（rows），二者选一。"}
            )
        return attrs


class NewAssetSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=Asset.Type.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(
        choices=[c for c in ReconciliationItem.Resolution.choices if c[0] != "open"], label="处理方式"
    )
    asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.all(), required=False, allow_null=True, label="登记到的资产"
    )
    new_asset = NewAssetSerializer(required=False, label="新建资产")
    note = serializers.CharField(required=False, allow_blank=True, default="", label="处理说明")
    subcategory = serializers.CharField(required=False, allow_blank=True, default="", label="事件子类")


class SignOffSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label="签核意见")


class ReconciliationAPIFilterSet(django_filters.FilterSet):
    class Meta:
        model = Reconciliation
        fields = ["zone", "state", "month", "department"]


class ReconciliationItemAPIFilterSet(django_filters.FilterSet):
    class Meta:
        model = ReconciliationItem
        fields = ["kind", "resolution"]


class ReconciliationViewSet(DepartmentScopedViewSet):
    """/api/reconciliations/: POST a scan (multipart ``scan`` CSV, or JSON ``rows``) for a
    ``zone``; GET the run with its state, progress and items. ``items/`` lists them (filter
    ``kind``, ``resolution``), ``items/{id}/resolve/`` resolves one, ``sign-off/`` signs the run off.
    Runs are never PATCHed or deleted."""

    model = Reconciliation
    serializer_class = ReconciliationSerializer
    filterset_class = ReconciliationAPIFilterSet
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                item_count=Count("items"),
                open_count=Count("items", filter=Q(items__resolution=ReconciliationItem.Resolution.OPEN)),
            )
            .prefetch_related("jobs")
            .order_by("-month", "-uploaded_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ReconciliationDetailSerializer
        if self.action == "create":
            return ReconciliationCreateSerializer
        return super().get_serializer_class()

    def _run_response(self, run, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=run.pk)
        return Response(
            ReconciliationDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(request=ReconciliationCreateSerializer, responses=ReconciliationDetailSerializer)
    def create(self, request, *args, **kwargs):
        if not services.can_upload(request.user):
            raise PermissionDenied("您没有权限上传核查扫描结果。")
        body = ReconciliationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        department = data.get("department")
        if (
            department is not None
            and not creatable_departments(request.user, Reconciliation).filter(pk=department.pk).exists()
        ):
            raise serializers.ValidationError({"department": "您不能为该部门登记核查。"})
        try:
            with service_errors("scan"):
                run = services.start_reconciliation(
                    zone=data["zone"],
                    source=data["source"],
                    month=data.get("month"),
                    department=department,
                    upload=data.get("scan"),
                    rows=data.get("rows"),
                    by=request.user,
                )
        except services.ScanRejected as rejected:
            # Not a DRF ValidationError: that would turn the line numbers into strings.
            return Response(
                {"scan" if "scan" in data else "rows": rejected.errors}, status=status.HTTP_400_BAD_REQUEST
            )
        return self._run_response(run, status.HTTP_201_CREATED)

    @extend_schema(
        responses=ReconciliationItemSerializer(many=True), summary="核查差异（可按 kind、resolution 筛选）"
    )
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        run = self.get_object()
        filterset = ReconciliationItemAPIFilterSet(
            request.query_params, queryset=run.items.order_by("kind", "ip", "pk")
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(ReconciliationItemSerializer(page, many=True).data)

    @extend_schema(request=ResolveSerializer, responses=ReconciliationItemSerializer, summary="处理一条差异")
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_pk>\d+)/resolve")
    def resolve(self, request, pk=None, item_pk=None):
        run = self.get_object()
        item = get_object_or_404(run.items.all(), pk=item_pk)
        if not services.can_resolve(request.user, run):
            raise PermissionDenied("您没有权限处理该核查的差异。")
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        kwargs = {"note": data["note"]}
        if data["resolution"] == ReconciliationItem.Resolution.REGISTERED:
            asset = data.get("asset")
            if (
                asset is not None
                and not Asset.objects.visible_to(request.user, "change").filter(pk=asset.pk).exists()
            ):
                raise serializers.ValidationError({"asset": "您不能为该资产登记。"})
            kwargs["asset"] = asset
            if data.get("new_asset"):
                kwargs["new_asset"] = {**data["new_asset"], "zone": run.zone}
        elif data["resolution"] == ReconciliationItem.Resolution.INCIDENT:
            kwargs["subcategory"] = data["subcategory"] or None
        with service_errors("resolution"):
            item = services.resolve(item, data["resolution"], by=request.user, **kwargs)
        return Response(ReconciliationItemSerializer(item).data)

    @extend_schema(request=SignOffSerializer, responses=ReconciliationDetailSerializer, summary="签核")
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        run = self.get_object()
        body = SignOffSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("note"):
            run = services.sign_off(run, by=request.user, note=body.validated_data["note"])
        return self._run_response(run)
