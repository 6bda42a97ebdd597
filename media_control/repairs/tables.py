import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateColumn, DateTimeColumn, RecordColumn
from szmz_security.org.models import display_name

from .models import DestructionRequest, RepairRequest, Vendor


class VendorTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="单位名称")
    designated = tables.Column(verbose_name="涉密定点单位")
    designation_number = tables.Column(verbose_name="资质编号")
    designation_expires_on = DateColumn(verbose_name="有效期至", format="Y-m-d")
    contact = tables.Column(verbose_name="联系人")
    phone = tables.Column(verbose_name="电话")

    class Meta:
        model = Vendor
        fields = ("name", "designated", "designation_number", "designation_expires_on", "contact", "phone")

    def render_designated(self, record):
        if not record.designated:
            return "否"
        if record.designation_valid():
            return format_html('<span class="badge text-bg-success">{}</span>', "是（有效）")
        return format_html('<span class="badge text-bg-danger">{}</span>', "是（已过期）")

    def value_designated(self, record):
        if not record.designated:
            return "否"
        return "是（有效）" if record.designation_valid() else "是（已过期）"


class RequestTable(tables.Table):
    title = RecordColumn(verbose_name="申请", order_by=("created_at",))
    department = tables.Column(verbose_name="部门")
    classified = tables.Column(verbose_name="涉密设备")
    state = tables.Column(verbose_name="状态")
    requested_by = tables.Column(verbose_name="申请人")
    created_at = DateTimeColumn(verbose_name="申请时间", format="Y-m-d H:i")

    def render_classified(self, value):
        return format_html('<span class="badge text-bg-danger">{}</span>', "涉密") if value else "否"

    def value_classified(self, value):
        return "是" if value else "否"

    def render_state(self, record):
        return record.get_state_display()

    def value_state(self, record):
        return record.get_state_display()

    def render_requested_by(self, value):
        return display_name(value)


class RepairRequestTable(RequestTable):
    vendor = tables.Column(verbose_name="维修单位")

    class Meta:
        model = RepairRequest
        fields = ("title", "department", "classified", "vendor", "state", "requested_by", "created_at")


class DestructionRequestTable(RequestTable):
    class Meta:
        model = DestructionRequest
        fields = ("title", "department", "classified", "state", "requested_by", "created_at")
