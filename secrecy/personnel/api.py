"""/api/classified-people/ and /api/secrecy-education/: the same access rule and the same services
as the screens (a refusal is a 400 naming the field)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet, service_errors
from szmz_security.org.access import can, can_read_content

from . import services
from .models import ClassifiedPerson, SecrecyEducation

ACTIVE_USERS = get_user_model().objects.filter(is_active=True)


class ClassifiedPersonSerializer(DepartmentScopedSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_USERS, label="涉密人员")
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS, label="审查人", required=False, allow_null=True
    )

    class Meta:
        model = ClassifiedPerson
        fields = [
            "id",
            "person",
            "department",
            "post",
            "level",
            "reviewed_on",
            "review_result",
            "reviewer",
            "commitment_signed_on",
            "status",
            "left_post_on",
            "leaving_commitment_signed_on",
            "declassification_ends_on",
            "released_on",
            "note",
            "restricted",
        ]
        read_only_fields = [
            "left_post_on",
            "leaving_commitment_signed_on",
            "declassification_ends_on",
            "released_on",
            "restricted",
        ]


class LeavePostSerializer(serializers.Serializer):
    left_post_on = serializers.DateField(label="离岗日期")
    leaving_commitment_signed_on = serializers.DateField(
        label="离岗保密承诺书签订日期", required=False, allow_null=True
    )
    note = serializers.CharField(label="说明", max_length=300, required=False, allow_blank=True)


class ReleaseSerializer(serializers.Serializer):
    released_on = serializers.DateField(label="解除日期", required=False)
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True)


class ClassifiedPersonViewSet(DepartmentScopedViewSet):
    """Create and correct through ``services.save_person``; 离岗 and 解除脱密期 as actions."""

    model = ClassifiedPerson
    serializer_class = ClassifiedPersonSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("department").order_by("pk")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.save_person(ClassifiedPerson(**serializer.validated_data))

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        with service_errors():
            serializer.instance = services.save_person(instance)

    def _changeable(self, request):
        person = self.get_object()
        if not can(request.user, "change", person) or not can_read_content(request.user, person):
            raise PermissionDenied("您没有权限办理该涉密人员的离岗或脱密。")
        return person

    @extend_schema(
        request=LeavePostSerializer, responses=ClassifiedPersonSerializer, summary="办理离岗（进入脱密期）"
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        person = self._changeable(request)
        body = LeavePostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors("left_post_on"):
            person = services.leave_post(
                person,
                left_post_on=data["left_post_on"],
                leaving_commitment_signed_on=data.get("leaving_commitment_signed_on"),
                note=data.get("note", ""),
                by=request.user,
            )
        return Response(self.get_serializer(person).data)

    @extend_schema(
        request=ReleaseSerializer, responses=ClassifiedPersonSerializer, summary="脱密期届满，解除脱密期管理"
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        person = self._changeable(request)
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors("released_on"):
            person = services.confirm_release(
                person, by=request.user, released_on=data.get("released_on"), note=data.get("note", "")
            )
        return Response(self.get_serializer(person).data)


class SecrecyEducationSerializer(DepartmentScopedSerializer):
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS, many=True, label="参加人员", required=False
    )

    class Meta:
        model = SecrecyEducation
        fields = ["id", "held_on", "topic", "organizer", "department", "attendees", "note"]

    def validate_held_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("教育日期不能晚于今天。")
        return value


class SecrecyEducationViewSet(DepartmentScopedViewSet):
    model = SecrecyEducation
    serializer_class = SecrecyEducationSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("attendees").order_by("-held_on", "pk")

    def perform_create(self, serializer):
        education = serializer.save()
        services.check_education(education.held_on.year, by=self.request.user)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        services.check_education(serializer.instance.held_on.year, by=self.request.user)
