import django_tables2 as tables

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.models import display_name

from ..ledger.tables import marking_badge
from .models import Checkout


class CheckoutTable(tables.Table):
    medium = tables.Column(verbose_name="介质", linkify=lambda record: record.get_absolute_url())
    marking = tables.Column(verbose_name="密级标志", empty_values=(), orderable=False)
    requester = tables.Column(verbose_name="申请人")
    purpose = tables.Column(verbose_name="用途")
    expected_return_at = DateTimeColumn(verbose_name="预计归还", format="Y-m-d H:i")
    state = tables.Column(verbose_name="状态")
    created_at = DateTimeColumn(verbose_name="申请时间", format="Y-m-d H:i")

    class Meta:
        model = Checkout
        fields = ("medium", "marking", "requester", "purpose", "expected_return_at", "state", "created_at")

    def render_medium(self, record):
        return record.medium.number

    def render_marking(self, record):
        return marking_badge(record.medium)

    def render_requester(self, value):
        return display_name(value)

    def render_state(self, record):
        return record.get_state_display()
