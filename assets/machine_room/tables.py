"""The machine-room list."""

import django_tables2 as tables

from szmz_security.core.tables import PersonColumn

from .models import ROOM_FIELDS, MachineRoom


class MachineRoomTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="机房名称")
    responsible = PersonColumn(verbose_name="机房负责人")

    class Meta:
        model = MachineRoom
        fields = ROOM_FIELDS
