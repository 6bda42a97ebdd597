"""/api/assets/, /api/machine-rooms/, /api/subnets/, /api/ip-assignments/ and
/api/reconciliations/: the register and the IP plan through the access rule. Every write goes
through ``services`` or ``reconciliation`` in one transaction, and a
``django.core.exceptions.ValidationError`` from a service answers 400 naming the fields."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from szmz_security.core.api import Conflict, DepartmentScopedViewSet, service_errors
from szmz_security.org.access import creatable_departments

from .. import reconciliation, services
from ..filters import network_search
from ..models import Asset, IPAssignment, MachineRoom, Reconciliation, ReconciliationItem, Subnet
from .serializers import (
    AssetSerializer,
    IPAssignmentSerializer,
    MachineRoomSerializer,
    ReconciliationCreateSerializer,
    ReconciliationDetailSerializer,
    ReconciliationItemSerializer,
    ReconciliationSerializer,
    ResolveSerializer,
    SignOffSerializer,
    SubnetSerializer,
)


class ChangeFirstMixin:
    def update(self, request, *args, **kwargs):
        # 403 before the body is looked at.
        self._check("change", self.get_object())
        return super().update(request, *args, **kwargs)


# --- the register and the machine room ------------------------------------------------------------


class AssetAPIFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="search", help_text="编号、名称、序列号、型号、存放地点"
    )

    class Meta:
        model = Asset
        fields = ["q", "type", "zone", "status", "secrecy", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(name__icontains=value)
            | Q(serial__icontains=value)
            | Q(model_number__icontains=value)
            | Q(location__icontains=value)
        )


class AssetViewSet(DepartmentScopedViewSet):
    """/api/assets/: the register through the access rule."""

    model = Asset
    serializer_class = AssetSerializer
    filterset_class = AssetAPIFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("department", "custodian").order_by("number")

    def perform_destroy(self, instance):
        self._check("delete", instance)
        instance.delete()  # still referenced: 409 naming the records (core/errors.py)


class MachineRoomViewSet(DepartmentScopedViewSet):
    """/api/machine-rooms/."""

    model = MachineRoom
    serializer_class = MachineRoomSerializer
    filterset_fields = ["department", "active"]

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("name")


# --- subnets and IP assignments -------------------------------------------------------------------


class SubnetAPIFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="网段、名称")

    class Meta:
        model = Subnet
        fields = ["q", "zone", "department", "vlan"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(cidr__icontains=value.strip().lower()) | Q(name__icontains=value.strip()))


class SubnetViewSet(ChangeFirstMixin, DepartmentScopedViewSet):
    """/api/subnets/: the IP plan (IPv4 and IPv6 CIDR per zone and department)."""

    model = Subnet
    serializer_class = SubnetSerializer
    filterset_class = SubnetAPIFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department")
            .annotate(assignment_count=Count("assignments"))
            .order_by("zone", "cidr")
        )

    def perform_create(self, serializer):
        subnet = Subnet(**serializer.validated_data)
        with transaction.atomic(), service_errors("cidr"):
            services.save_subnet(subnet, by=self.request.user)
        subnet.assignment_count = 0
        serializer.instance = subnet

    def perform_update(self, serializer):
        subnet = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(subnet, name, value)
        with transaction.atomic(), service_errors("cidr"):
            services.save_subnet(subnet, by=self.request.user)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        try:
            with transaction.atomic():
                services.delete_subnet(instance, by=self.request.user)
        except DjangoValidationError as error:
            raise Conflict("；".join(error.messages)) from error


class IPAssignmentAPIFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="search", help_text="IP、MAC（任意写法）、主机名、资产编号"
    )

    class Meta:
        model = IPAssignment
        fields = ["q", "zone", "subnet", "asset", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(network_search(value, ip_field="ip"))


class IPAssignmentViewSet(ChangeFirstMixin, DepartmentScopedViewSet):
    """/api/ip-assignments/: an address given out in a zone (``ip``, ``mac``, ``asset``, ``zone``);
    IP and MAC in any notation, one assignment per IP and zone, one asset per MAC."""

    model = IPAssignment
    serializer_class = IPAssignmentSerializer
    filterset_class = IPAssignmentAPIFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("zone", "ip")

    def perform_create(self, serializer):
        data = serializer.validated_data
        with transaction.atomic(), service_errors("ip"):
            serializer.instance = services.assign_ip(**data, by=self.request.user)

    def perform_update(self, serializer):
        with transaction.atomic(), service_errors("ip"):
            services.update_assignment(serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        services.delete_assignment(instance, by=self.request.user)


# --- the IP/MAC reconciliation --------------------------------------------------------------------


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
        if not request.user.has_perm("assets.add_reconciliation"):
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
                run = reconciliation.start_reconciliation(
                    zone=data["zone"],
                    source=data["source"],
                    month=data.get("month"),
                    department=department,
                    upload=data.get("scan"),
                    rows=data.get("rows"),
                    by=request.user,
                )
        except reconciliation.ScanRejected as rejected:
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
        if not reconciliation.can_resolve(request.user, run):
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
        with transaction.atomic(), service_errors("resolution"):
            item = reconciliation.resolve(item, data["resolution"], by=request.user, **kwargs)
        return Response(ReconciliationItemSerializer(item).data)

    @extend_schema(request=SignOffSerializer, responses=ReconciliationDetailSerializer, summary="签核")
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        run = self.get_object()
        body = SignOffSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("note"):
            run = reconciliation.sign_off(run, by=request.user, note=body.validated_data["note"])
        return self._run_response(run)
