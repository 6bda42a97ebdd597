"""The API base: every endpoint's rows come from the one access rule (DESIGN.md §1).

``DepartmentScopedViewSet`` answers 404 for a record outside ``visible_to(user, "view")``, 403
for a visible record the user may not change or delete, and refuses to create a record for a
department the user may not file for (400 naming ``department``). A restricted record the user
may see but whose content they may not read (need-to-know, org/access.py) comes back with every
field outside the model's ``restricted_public_fields`` redacted.
"""

from contextlib import contextmanager
from datetime import UTC
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import ISO_8601, permissions, serializers, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.org.access import REDACTED, can_read_content, creatable_departments, is_restricted
from szmz_security.org.models import Department


def api_errors(error, default_field=None):
    """A Django ValidationError as DRF error detail: {field: [messages]}; messages not tied to a
    field go under ``default_field`` (when the request has an obvious one) or non_field_errors."""
    detail = get_error_detail(error)
    if isinstance(detail, list):
        return {default_field or api_settings.NON_FIELD_ERRORS_KEY: detail}
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return detail


@contextmanager
def service_errors(default_field=None):
    """Around a service call in an API action: its ValidationError answers 400 naming the
    fields, its PermissionDenied 403 — the same rules as the screens."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(api_errors(error, default_field)) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from error


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "该记录仍被其他记录引用，不能删除。"
    default_code = "protected"


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


class ContentRedactionMixin:
    """Need-to-know in the API: a restricted record whose content the user may not read comes
    back with every field outside the model's ``restricted_public_fields`` (and the serializer's
    ``Meta.public_fields``) redacted."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or can_read_content(request.user, instance):
            return data
        public = {
            "id",
            "restricted",
            *instance.restricted_public_fields,
            *getattr(self.Meta, "public_fields", ()),
        }
        for name, value in data.items():
            if name not in public:
                data[name] = REDACTED if isinstance(value, str) else [] if isinstance(value, list) else None
        return data


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


class DepartmentScopedSerializer(ContentRedactionMixin, ModelSerializer):
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


class AuditedRetrieveMixin:
    """Every view of a restricted record is audited (#13), in the API as on the detail page."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        if getattr(self.model, "audit_views", False) or is_restricted(instance):
            record(
                AuditEvent.Kind.VIEW,
                request=request,
                obj=instance,
                content=can_read_content(request.user, instance),
                api=True,
            )
        return response


class DepartmentScopedViewSet(AuditedRetrieveMixin, viewsets.ModelViewSet):
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, "view").with_content_access(self.request.user)

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


class ReadOnlyScopedViewSet(AuditedRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    model = None

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user, "view")
        if hasattr(queryset, "with_content_access"):  # department-scoped: need-to-know per row
            queryset = queryset.with_content_access(self.request.user)
        return queryset
