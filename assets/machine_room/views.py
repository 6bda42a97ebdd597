"""The machine room's screens (chapter 5): the room declared once (core.registry), its page with
the access log, change log, backups and fire checks, and one action view per log entry."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
)
from szmz_security.obligations.models import Obligation

from . import services
from .filters import MachineRoomFilterSet
from .forms import (
    BackupRecordForm,
    DepartureForm,
    FireCheckForm,
    MachineRoomForm,
    RoomAccessForm,
    RoomChangeForm,
)
from .models import MachineRoom, RoomAccess
from .tables import MachineRoomTable

ROOMS = register_model(
    MachineRoom,
    path="machine-rooms",
    related=("department", "responsible__profile"),
    table=MachineRoomTable,
    filterset=MachineRoomFilterSet,
    form=MachineRoomForm,
    title="机房",
    export_filename="machine-rooms",
)


ROOM_PAGE_SIZE = 10


@register_model_view(MachineRoom, "detail")
class MachineRoomView(DetailFormsMixin, ROOMS.generic_view("detail")):
    template_name = "assets/machineroom.html"
    related = ("department", "responsible__profile")

    def default_forms(self):
        room, user = self.object, self.request.user
        return {
            "access_form": RoomAccessForm(room=room),
            "change_form": RoomChangeForm(room=room, user=user),
            "backup_form": BackupRecordForm(),
            "fire_form": FireCheckForm(),
            "departure_form": DepartureForm(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        room = self.object
        request = self.request

        def page(queryset, name):
            return Paginator(queryset, ROOM_PAGE_SIZE).get_page(request.GET.get(name))

        context.update(
            may_record=context["can_change"],
            accesses=page(
                room.accesses.select_related("approved_by__profile", "recorded_by__profile"), "access_page"
            ),
            changes=page(
                room.changes.select_related("approved_by__profile", "performed_by__profile", "asset"),
                "change_page",
            ),
            backups=page(room.backups.select_related("performed_by__profile", "obligation"), "backup_page"),
            fire_checks=page(
                room.fire_checks.select_related("checked_by__profile", "obligation"), "fire_page"
            ),
            open_obligations=list(
                room.obligations.filter(state=Obligation.State.OPEN).order_by("due_at")[:10]
            ),
            can_view_obligations=services.may_view_obligations(request.user),
        )
        return context


@register_model_view(MachineRoom, "add")
@register_model_view(MachineRoom, "edit")
class MachineRoomEditView(ROOMS.generic_view("edit")):
    def save_form(self, form):
        return services.save_room(form.save(commit=False), by=self.request.user)


# The log entries: a POST from the room page each, by officers and the room's department heads
# (change on the room, ObjectActionMixin); others of the department 403, anyone else 404.


@register_model_view(MachineRoom, "access_add", path="access/add", url_name="roomaccess_add")
class RoomAccessAddView(ObjectActionMixin, MachineRoomView):
    form_name = "access_form"

    def get_form(self):
        return RoomAccessForm(self.request.POST, room=self.object)

    def perform(self, form, room):
        access = services.record_access(room, by=self.request.user, **form.cleaned_data)
        return f"已登记进入机房：{access}"


@register_model_view(
    MachineRoom, "access_leave", path="access/<int:access_pk>/leave", url_name="roomaccess_leave"
)
class RoomDepartureView(ObjectActionMixin, MachineRoomView):
    form_name = "departure_form"
    form_class = DepartureForm

    def perform(self, form, room):
        access = get_object_or_404(RoomAccess, pk=self.kwargs["access_pk"], room=room)
        services.record_departure(access, by=self.request.user, left_at=form.cleaned_data["left_at"])
        return f"已登记离开：{access}"


@register_model_view(MachineRoom, "change_add", path="changes/add", url_name="roomchange_add")
class RoomChangeAddView(ObjectActionMixin, MachineRoomView):
    form_name = "change_form"

    def get_form(self):
        return RoomChangeForm(self.request.POST, room=self.object, user=self.request.user)

    def perform(self, form, room):
        data = dict(form.cleaned_data)
        data["asset"] = data.pop("asset_number")
        change = services.record_change(room, by=self.request.user, **data)
        return f"已登记变更：{change}"


@register_model_view(MachineRoom, "backup_add", path="backups/add", url_name="backuprecord_add")
class BackupRecordAddView(ObjectActionMixin, MachineRoomView):
    form_name = "backup_form"
    form_class = BackupRecordForm

    def perform(self, form, room):
        backup = services.record_backup(
            room, by=self.request.user, performed_by=self.request.user, **form.cleaned_data
        )
        if not backup.succeeded:
            return f"已登记 {backup.date:%Y-%m-%d} 的备份（失败）。当日备份义务仍未完成，重新备份成功后请再次登记。"
        late = backup.obligation is not None and backup.obligation.state == Obligation.State.MET_LATE
        return f"已登记 {backup.date:%Y-%m-%d} 的备份记录" + ("（逾期完成）。" if late else "。")


@register_model_view(MachineRoom, "fire_check_add", path="fire-checks/add", url_name="firecheck_add")
class FireCheckAddView(ObjectActionMixin, MachineRoomView):
    form_name = "fire_form"
    form_class = FireCheckForm

    def perform(self, form, room):
        check = services.record_fire_check(
            room, by=self.request.user, checked_by=self.request.user, **form.cleaned_data
        )
        return f"已登记{check.month:%Y年%m月}的消防器材检查。"
