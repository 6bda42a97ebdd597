import django_tables2 as tables

from szmz_security.core.tables import RecordColumn

from .models import OutsourcingReview, ServiceContract, VendorStaffAccess


class ServiceContractTable(tables.Table):
    title = RecordColumn(verbose_name="合同名称")

    class Meta:
        model = ServiceContract
        fields = (
            "title",
            "vendor",
            "scope",
            "starts_on",
            "ends_on",
            "agreement_signed_on",
            "status",
            "department",
        )


class VendorStaffAccessTable(tables.Table):
    name = RecordColumn(verbose_name="姓名")
    identifier = tables.Column(verbose_name="身份证号/工号", accessor="masked_identifier", orderable=False)

    class Meta:
        model = VendorStaffAccess
        fields = (
            "name",
            "identifier",
            "contract",
            "role",
            "access_granted_on",
            "access_revoked_on",
            "department",
        )


class OutsourcingReviewTable(tables.Table):
    contract = RecordColumn(verbose_name="外包合同")

    class Meta:
        model = OutsourcingReview
        fields = ("contract", "reviewed_on", "reviewer", "conclusion", "department")
