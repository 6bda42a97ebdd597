"""/api/secrecy/… : the register through the access rule (need-to-know redaction included), and
the state changes as actions calling the same services as the screens."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import (
    DepartmentScopedSerializer,
    DepartmentScopedViewSet,
    api_errors,
    service_errors,
)
from szmz_security.org.access import can_read_content

from . import services
from .filters import ClassifiedDocumentFilterSet
from .models import ClassifiedDocument, DocumentCirculation, DocumentCustodian, SecrecyPeriodReview


def people():
    return get_user_model().objects.filter(is_active=True)


class ModelCleanMixin:
    """The model's own rules (``clean``) answer 400 naming the field, as the forms do."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.Meta.model(**{k: v for k, v in attrs.items() if k not in self.m2m_names})
        if self.instance is not None:
            for field in self.instance._meta.concrete_fields:
                if field.attname not in attrs and field.name not in attrs:
                    setattr(instance, field.attname, getattr(self.instance, field.attname))
        try:
            instance.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(api_errors(error)) from error
        return attrs

    m2m_names = ()


class ClassifiedDocumentSerializer(ModelCleanMixin, DepartmentScopedSerializer):
    custodian = serializers.PrimaryKeyRelatedField(queryset=people(), label="保管人")
    marking = serializers.CharField(read_only=True, label="密级和保密期限")

    class Meta:
        model = ClassifiedDocument
        fields = [
            "id",
            "department",
            "registered_on",
            "number",
            "title",
            "issuer",
            "document_number",
            "level",
            "secrecy_years",
            "secret_until",
            "marking",
            "copies",
            "custodian",
            "status",
            "closed_on",
            "disposal_method",
            "witness",
            "restricted",
            "note",
        ]
        read_only_fields = ["status", "closed_on", "disposal_method", "witness"]
        public_fields = ["marking"]


class CirculationSerializer(serializers.ModelSerializer):
    recipient = serializers.PrimaryKeyRelatedField(queryset=people(), label="传阅/借阅人")

    class Meta:
        model = DocumentCirculation
        fields = ["id", "recipient", "lent_on", "due_on", "returned_on", "note"]
        read_only_fields = ["returned_on"]


class ReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField(label="归还日期")


class DisposalSerializer(serializers.Serializer):
    closed_on = serializers.DateField(label="日期")
    disposal_method = serializers.CharField(label="方式", max_length=200)
    witness = serializers.PrimaryKeyRelatedField(queryset=people(), label="监销人/监交人")


class ClassifiedDocumentViewSet(DepartmentScopedViewSet):
    model = ClassifiedDocument
    serializer_class = ClassifiedDocumentSerializer
    filterset_class = ClassifiedDocumentFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("department", "custodian")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.save_document(ClassifiedDocument(**serializer.validated_data))

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        with service_errors():
            for name, value in serializer.validated_data.items():
                setattr(serializer.instance, name, value)
            services.save_document(serializer.instance)

    def _acting_on(self, request):
        document = self.get_object()
        self._check("change", document)
        if not can_read_content(request.user, document):
            raise PermissionDenied("您不在该文件的知悉范围内。")
        return document

    @extend_schema(request=CirculationSerializer, responses=CirculationSerializer, summary="传阅/借阅")
    @action(detail=True, methods=["post"])
    def lend(self, request, pk=None):
        document = self._acting_on(request)
        body = CirculationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("due_on"):
            circulation = services.lend(document, by=request.user, **body.validated_data)
        return Response(CirculationSerializer(circulation).data, status=201)

    @extend_schema(request=ReturnSerializer, responses=CirculationSerializer, summary="归还")
    @action(detail=True, methods=["post"], url_path=r"circulations/(?P<circulation_pk>\d+)/return")
    def return_circulation(self, request, pk=None, circulation_pk=None):
        document = self._acting_on(request)
        circulation = get_object_or_404(document.circulations.all(), pk=circulation_pk)
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors("returned_on"):
            circulation = services.return_document(circulation, by=request.user, **body.validated_data)
        return Response(CirculationSerializer(circulation).data)

    def _dispose(self, request, service):
        document = self._acting_on(request)
        body = DisposalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors("disposal_method"):
            document = service(
                document,
                on=data["closed_on"],
                method=data["disposal_method"],
                witness=data["witness"],
                by=request.user,
            )
        return Response(self.get_serializer(document).data)

    @extend_schema(request=DisposalSerializer, responses=ClassifiedDocumentSerializer, summary="清退")
    @action(detail=True, methods=["post"], url_path="return-to-issuer")
    def return_to_issuer(self, request, pk=None):
        return self._dispose(request, services.return_to_issuer)

    @extend_schema(request=DisposalSerializer, responses=ClassifiedDocumentSerializer, summary="销毁")
    @action(detail=True, methods=["post"])
    def destroy_document(self, request, pk=None):
        return self._dispose(request, services.destroy)


class DocumentCustodianSerializer(ModelCleanMixin, DepartmentScopedSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=people(), label="管理人")

    class Meta:
        model = DocumentCustodian
        fields = ["id", "department", "person", "filed_with_office_on", "ended_on", "note"]


class SecrecyPeriodReviewSerializer(ModelCleanMixin, DepartmentScopedSerializer):
    reviewed_by = serializers.PrimaryKeyRelatedField(queryset=people(), label="审查人")
    declassified = serializers.PrimaryKeyRelatedField(
        queryset=ClassifiedDocument.objects.all(), many=True, required=False, label="本次解密的文件"
    )
    m2m_names = ("declassified",)

    class Meta:
        model = SecrecyPeriodReview
        fields = ["id", "department", "year", "reviewed_on", "reviewed_by", "result", "declassified", "note"]

    def validate_declassified(self, documents):
        request = self.context["request"]
        allowed = set(
            ClassifiedDocument.objects.visible_to(request.user, "change")
            .filter(pk__in=[d.pk for d in documents])
            .values_list("pk", flat=True)
        )
        if any(d.pk not in allowed for d in documents):
            raise serializers.ValidationError("您不能解密该文件。")
        return documents


class SecrecyPeriodReviewViewSet(DepartmentScopedViewSet):
    model = SecrecyPeriodReview
    serializer_class = SecrecyPeriodReviewSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        declassified = data.pop("declassified", [])
        with service_errors():
            serializer.instance = services.record_period_review(
                SecrecyPeriodReview(**data), declassified=declassified, by=self.request.user
            )

    def perform_update(self, serializer):
        self._check("change", serializer.instance)
        data = dict(serializer.validated_data)
        data.pop("declassified", None)  # declassification is recorded once, with the review
        for name, value in data.items():
            setattr(serializer.instance, name, value)
        with service_errors():
            serializer.instance.full_clean()
            serializer.instance.save()
