"""The API base: every endpoint's rows come from the one access rule (DESIGN.md §1).

``DepartmentScopedViewSet`` answers 404 for a record outside ``visible_to(user, "view")``, 403
for a visible record the user may not change or delete, and refuses to create a record for a
department the user may not file for (400 naming ``department``).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department


class SchemaAccess(permissions.BasePermission):
    """The API schema describes every route: open while developing, signed-in users in production."""

    def has_permission(self, request, view):
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)


def signed_in_unless_debug(view):
    """The API docs page (HTML): with DEBUG=False an anonymous visitor is sent to the log-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


class DepartmentScopedSerializer(serializers.ModelSerializer):
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
