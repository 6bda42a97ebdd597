"""The API base: every endpoint's rows come from the one access rule (DESIGN.md §1).

``DepartmentScopedViewSet`` answers 404 for a record outside ``visible_to(user, "view")``, 403
for a visible record the user may not change or delete, and refuses to create a record for a
department the user may not file for (400 naming ``department``).
"""

from datetime import UTC

from django.db import models
from rest_framework import ISO_8601, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.settings import api_settings

from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department


class DateTimeField(serializers.DateTimeField):
    """ISO 8601 in the bureau's time zone, as DRF writes it, except for an instant whose local
    offset is not whole minutes: Asia/Shanghai before 1901 is local mean time, +08:05:43, which
    RFC 3339 (the schema's ``date-time``) cannot express. Such an instant is written in UTC."""

    def to_representation(self, value):
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        if value and not isinstance(value, str) and output_format and output_format.lower() == ISO_8601:
            offset = self.enforce_timezone(value).utcoffset()
            if offset is not None and offset.total_seconds() % 60:
                return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class ModelSerializer(serializers.ModelSerializer):
    """The base of every API model serializer: model date-times become :class:`DateTimeField`."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


class DepartmentScopedSerializer(ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), label="所属部门"
    )

    def validate_department(self, department):
        request = self.context["request"]
        allowed = creatable_departments(request.user, self.Meta.model)
        if self.instance is not None and self.instance.department_id == department.pk:
            return department
        if not allowed.filter(pk=department.pk).exists():
            raise serializers.ValidationError("您不能为该部门登记记录。")
        return department


class DepartmentScopedViewSet(viewsets.ModelViewSet):
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, "view")

    def _check(self, action, instance):
        if not self.model.objects.visible_to(self.request.user, action).filter(pk=instance.pk).exists():
            raise PermissionDenied("您没有权限对该记录执行此操作。")

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm(f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"):
            raise PermissionDenied("您没有权限新建该类记录。")
        return super().create(request, *args, **kwargs)

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        serializer.save()

    def perform_destroy(self, instance):
        self._check("delete", instance)
        instance.delete()


class ReadOnlyScopedViewSet(viewsets.ReadOnlyModelViewSet):
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, "view")
