from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from szmz_security.core.api import ModelSerializer

from ..models import Department, display_name
from ..roles import ROLES


class DepartmentSerializer(ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind", "parent", "is_active"]


class MeSerializer(ModelSerializer):
    name = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name", "email", "departments", "roles"]

    def get_name(self, user) -> str:
        return display_name(user)

    @extend_schema_field(DepartmentSerializer(many=True))
    def get_departments(self, user):
        return DepartmentSerializer(Department.objects.of_user(user), many=True).data

    def get_roles(self, user) -> list[dict[str, str]]:
        names = set(user.groups.values_list("name", flat=True))
        return [{"code": role.code, "name": role.name} for role in ROLES if role.name in names]
