"""/api/subnets/ and /api/ip-assignments/: the IP plan through the access rule and the services."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from rest_framework import serializers

from szmz_security.core.api import (
    Conflict,
    DepartmentScopedSerializer,
    DepartmentScopedViewSet,
    ModelSerializer,
    service_errors,
)

from ..register.models import Asset
from . import services
from .addresses import normalise_ip
from .filters import network_search
from .models import IPAssignment, Subnet


class SubnetSerializer(DepartmentScopedSerializer):
    """``cidr`` (normalised; host bits, overlap in the zone refused), ``zone``, ``department``,
    ``name``, ``vlan``, ``gateway`` (inside the subnet)."""

    assignment_count = serializers.IntegerField(read_only=True, label="已分配")

    class Meta:
        model = Subnet
        fields = ["id", "cidr", "name", "zone", "department", "vlan", "gateway", "note", "assignment_count"]


class IPAssignmentSerializer(ModelSerializer):
    """``ip`` and ``mac`` in any notation (stored normalised), ``asset``, ``zone``; the subnet and
    the department follow from the address."""

    ip = serializers.CharField(max_length=60, label="IP 地址")
    mac = serializers.CharField(max_length=30, required=False, allow_blank=True, default="", label="MAC 地址")
    asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.all(), required=False, allow_null=True, default=None, label="资产"
    )
    subnet = serializers.PrimaryKeyRelatedField(read_only=True, label="网段")
    department = serializers.PrimaryKeyRelatedField(read_only=True, label="所属部门")

    class Meta:
        model = IPAssignment
        fields = [
            "id",
            "ip",
            "zone",
            "mac",
            "asset",
            "hostname",
            "note",
            "subnet",
            "department",
            "assigned_at",
        ]
        read_only_fields = ["assigned_at"]

    def validate_ip(self, value):
        # Normalised here, before the unique-together check queries the database with it: a
        # malformed address there is a failed SQL statement on PostgreSQL, not a 400.
        try:
            return normalise_ip(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_asset(self, asset):
        user = self.context["request"].user
        if asset is not None and not Asset.objects.visible_to(user, "view").filter(pk=asset.pk).exists():
            raise serializers.ValidationError(f"无效主键 “{asset.pk}” － 对象不存在。")
        return asset


class ChangeFirstMixin:
    def update(self, request, *args, **kwargs):
        # 403 before the body is looked at.
        self._check("change", self.get_object())
        return super().update(request, *args, **kwargs)


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
        with service_errors("cidr"):
            services.save_subnet(subnet, by=self.request.user)
        subnet.assignment_count = 0
        serializer.instance = subnet

    def perform_update(self, serializer):
        subnet = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(subnet, name, value)
        with service_errors("cidr"):
            services.save_subnet(subnet, by=self.request.user)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        try:
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
        with service_errors("ip"):
            serializer.instance = services.assign_ip(**data, by=self.request.user)

    def perform_update(self, serializer):
        with service_errors("ip"):
            services.update_assignment(serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        services.delete_assignment(instance, by=self.request.user)
