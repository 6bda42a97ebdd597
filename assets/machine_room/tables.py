"""The machine-room list."""

import django_tables2 as tables

from ..register.tables import PersonColumn
from .models import MachineRoom


class MachineRoomTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="机房名称")
    responsible = PersonColumn(verbose_name="机房负责人")

    class Meta:
        model = MachineRoom
        fields = (
            "name",
            "location",
            "department",
            "responsible",
            "daily_backup_required",
            "fire_check_required",
            "active",
        )
