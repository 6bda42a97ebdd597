"""/api/incidents/: filing, reading (through the access rule, obligations nested), re-classifying,
grading and state changes. Every write goes through ``incidents.services`` in one transaction, and
a ``django.core.exceptions.ValidationError`` from a service answers 400 naming the fields."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, ProtectedError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import Conflict, DepartmentScopedViewSet, service_errors
from szmz_security.obligations.models import Obligation

from .. import services
from ..models import Incident
from .serializers import GradeSerializer, IncidentSerializer, TransitionSerializer


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
        with transaction.atomic(), service_errors():
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
        with transaction.atomic(), service_errors():
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
