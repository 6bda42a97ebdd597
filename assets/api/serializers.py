"""The asset API's shapes: the register, machine rooms, subnets, IP assignments and the IP/MAC
reconciliation (a run, its items, a scan to upload, a resolution, a sign-off). The rules are not
repeated here: ``Asset.clean()`` and the services answer 400 naming the field."""

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from szmz_security.core.api import DepartmentScopedSerializer, ModelSerializer
from szmz_security.core.choices import NetworkZone
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.models import Department

from ..models import Asset, IPAssignment, MachineRoom, Reconciliation, ReconciliationItem, Subnet
from ..network import normalise_ip

# --- the register and the machine room ------------------------------------------------------------


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
        fields = [
            "id",
            "number",
            "type",
            "name",
            "model_number",
            "serial",
            "department",
            "custodian",
            "location",
            "zone",
            "secrecy",
            "data_grade",
            "critical_infrastructure",
            "status",
            "purchase_date",
            "antivirus_product",
            "antivirus_updated_on",
            "wireless_removed",
            "note",
            "created_at",
        ]
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


class MachineRoomSerializer(DepartmentScopedSerializer):
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), label="机房负责人"
    )

    class Meta:
        model = MachineRoom
        fields = [
            "id",
            "name",
            "location",
            "department",
            "responsible",
            "daily_backup_required",
            "fire_check_required",
            "active",
            "note",
        ]


# --- subnets and IP assignments -------------------------------------------------------------------


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


# --- the IP/MAC reconciliation --------------------------------------------------------------------


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


class ScanRowSerializer(serializers.Serializer):
    ip = serializers.CharField(label="IP 地址")
    mac = serializers.CharField(label="MAC 地址")
    hostname = serializers.CharField(required=False, allow_blank=True, label="主机名")
    time = serializers.CharField(required=False, allow_blank=True, label="时间")


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
