"""/api/incidents/: filing, reading (through the access rule, obligations nested), re-classifying,
grading and state changes. Every write goes through ``incidents.services`` in one transaction, and
a ``django.core.exceptions.ValidationError`` from a service answers 400 naming the fields.

The incident API's shapes. Business rules are not repeated here: the view hands the validated
fields to ``incidents.services`` (validate_incident / file_incident / update_incident / set_grade /
transition) and turns their ValidationError into a 400 naming the fields.

``grade`` (事件等级) is the officers' assessment. Filed by someone who may not handle incidents
(no ``incidents.handle_incident``), the value is kept as the reporter's ``suggested_grade`` instead
of being refused: the regulation lets the reporter suggest a grade, and a suggested 较大 starts the
4-hour clock until an officer grades the incident. Sending both with different values is refused
(400 naming ``grade``). On PATCH, changing ``grade`` (like any field that decides what the incident
owes) is for handlers only.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, ProtectedError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import (
    Conflict,
    DepartmentScopedSerializer,
    DepartmentScopedViewSet,
    ModelSerializer,
    service_errors,
)
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import REDACTED, can_read_content
from szmz_security.org.models import Department

from . import services
from .categories import Grade, category_of
from .models import Incident

GRADE_HELP = (
    "事件等级（安全员定级）。无处置权限的报告人填写时按“建议等级”（suggested_grade）保存；修改须有处置权限。"
)


class IncidentObligationSerializer(ModelSerializer):
    """A report (or corrective action) the incident owes, with its deadline."""

    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = ["id", "kind", "title", "authority", "clause", "due_at", "state", "met_at", "overdue"]
        read_only_fields = fields

    def get_overdue(self, obligation) -> bool:
        return obligation.is_overdue()


class IncidentSerializer(DepartmentScopedSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True),
        label="所属部门",
        required=False,
        help_text="省略时为报告人所在的第一个部门。",
    )
    grade = serializers.ChoiceField(
        choices=Grade.choices, required=False, allow_null=True, label="事件等级", help_text=GRADE_HELP
    )
    effective_grade = serializers.ChoiceField(
        choices=Grade.choices,
        read_only=True,
        label="适用等级",
        help_text="报告时限所依据的等级：安全员定级，未定级时为建议等级，且不低于个人信息人数要求的等级。",
    )
    # Null only when redacted (need-to-know: the reporter is content).
    reported_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    obligations = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "description",
            "discovered_at",
            "occurred_at",
            "department",
            "place",
            "affected_assets",
            "affects_critical_infrastructure",
            "category",
            "subcategory",
            "secret_leak",
            "personal_info_involved",
            "personal_info_count",
            "crime_suspected",
            "network_disconnected",
            "disconnected_at",
            "disconnected_by",
            "suggested_grade",
            "grade",
            "effective_grade",
            "state",
            "affected_system",
            "impact",
            "measures_taken",
            "likely_development",
            "cause",
            "tracing_leads",
            "next_steps",
            "scene_preservation",
            "handling_ended_at",
            "false_alarm_reason",
            "root_cause",
            "lessons_learned",
            "closed_at",
            "restricted",
            "reported_by",
            "created_at",
            "obligations",
        ]
        # Shown even when the content is redacted: the deadlines and whether they were met.
        public_fields = ["effective_grade", "obligations"]
        read_only_fields = [
            "state",
            "handling_ended_at",
            "false_alarm_reason",
            "root_cause",
            "lessons_learned",
            "closed_at",
            "restricted",
            "created_at",
        ]

    @extend_schema_field(IncidentObligationSerializer(many=True))
    def get_obligations(self, incident):
        # Prefetched in deadline order by IncidentViewSet.get_queryset: no query per incident.
        data = IncidentObligationSerializer(incident.obligations.all(), many=True, context=self.context).data
        if not can_read_content(self.context["request"].user, incident):
            for obligation in data:
                obligation["title"] = REDACTED  # it quotes the incident's title
        return data

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is None:
            if attrs.get("department") is None:
                attrs["department"] = self._default_department(user)
            # A sub-type names its type: the type may be left out.
            if attrs.get("subcategory") and "category" not in attrs:
                attrs["category"] = category_of(attrs["subcategory"])
            if attrs.get("grade") is not None and not services.may_grade_on_filing(user):
                grade = attrs.pop("grade")
                suggested = attrs.get("suggested_grade")
                if suggested is not None and suggested != grade:
                    raise serializers.ValidationError(
                        {"grade": "只有安全员可以定级；请只填写建议等级（suggested_grade）。"}
                    )
                attrs["suggested_grade"] = grade
        return attrs

    def _default_department(self, user):
        department = (
            Department.objects.of_user(user).filter(is_active=True).order_by("sort_order", "code").first()
        )
        if department is None:
            raise serializers.ValidationError({"department": "您不属于任何部门，请指定所属部门。"})
        return department


class GradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices, label="事件等级")
    reason = serializers.CharField(required=False, allow_blank=True, default="", label="定级理由")


class TransitionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Incident.State.choices, label="目标状态")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", label="说明", help_text="标记为误报时必填。"
    )
    root_cause = serializers.CharField(
        required=False, allow_blank=True, label="根本原因", help_text="结案时必填。"
    )
    lessons_learned = serializers.CharField(
        required=False, allow_blank=True, label="经验教训", help_text="结案时必填。"
    )


class IncidentViewSet(DepartmentScopedViewSet):
    model = Incident
    serializer_class = IncidentSerializer
    filterset_fields = ["state", "grade", "category", "department", "secret_leak"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department")
            .prefetch_related(Prefetch("obligations", queryset=Obligation.objects.order_by("due_at", "pk")))
        )

    def perform_create(self, serializer):
        user = self.request.user
        incident = Incident(**serializer.validated_data, reported_by=user)
        with service_errors():
            services.file_incident(incident, by=user)
        serializer.instance = incident

    def update(self, request, *args, **kwargs):
        # 403 before the body is looked at: who may not change the incident learns nothing from
        # validation messages.
        self._check("change", self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        user = self.request.user
        incident = serializer.instance  # change permission checked in update()
        data = serializer.validated_data
        changed = [name for name, value in data.items() if getattr(incident, name) != value]
        for name, value in data.items():
            setattr(incident, name, value)
        with service_errors():
            services.update_incident(incident, by=user, changed_fields=changed)

    def perform_destroy(self, instance):
        self._check("delete", instance)
        try:
            services.delete_incident(instance, by=self.request.user)
        except (ProtectedError, DjangoValidationError) as error:
            # Anything that owes or owed a report stays (and is marked 误报 instead).
            message = (
                "；".join(error.messages)
                if hasattr(error, "messages")
                else f"“{instance}”已有报送记录，不能删除。"
            )
            raise Conflict(message) from error

    def _handler_action(self, request, input_serializer_class):
        """The visible incident (404 otherwise), the caller a handler (403 otherwise), the body
        valid (400 naming the field otherwise)."""
        incident = self.get_object()
        if not services.can_handle(request.user, incident):
            raise PermissionDenied("只有安全员或获授权的处置人员可以执行此操作。")
        body = input_serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        return incident, body.validated_data

    def _incident_response(self, incident):
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=GradeSerializer, responses=IncidentSerializer, summary="定级（安全员）")
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        incident, data = self._handler_action(request, GradeSerializer)
        with service_errors("grade"):
            services.set_grade(incident, data["grade"], by=request.user, reason=data["reason"])
        return self._incident_response(incident)

    @extend_schema(request=TransitionSerializer, responses=IncidentSerializer, summary="状态变更（安全员）")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        incident, data = self._handler_action(request, TransitionSerializer)
        with service_errors("state"):
            incident = services.transition(
                incident,
                data["state"],
                by=request.user,
                reason=data["reason"],
                root_cause=data.get("root_cause"),
                lessons_learned=data.get("lessons_learned"),
            )
        return self._incident_response(incident)
