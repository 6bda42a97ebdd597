"""/api/public-accounts/ and /api/public-account-reviews/ (with the review's ``complete`` action)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from szmz_security.core.api import DepartmentScopedSerializer, DepartmentScopedViewSet, ReadOnlyScopedViewSet

from . import services
from .filters import PublicAccountFilterSet, PublicAccountReviewFilterSet
from .models import PublicAccount, PublicAccountReview

ACTIVE_USERS = get_user_model().objects.filter(is_active=True)


class PublicAccountSerializer(DepartmentScopedSerializer):
    content_officer = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_USERS, label="内容安全负责人")
    deputy_officer = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS, label="内容安全副责任人", required=False, allow_null=True
    )
    operators = serializers.PrimaryKeyRelatedField(
        queryset=ACTIVE_USERS, many=True, required=False, label="运营人员"
    )

    class Meta:
        model = PublicAccount
        fields = [
            "id",
            "department",
            "platform",
            "name",
            "account_id",
            "registered_entity",
            "registered_on",
            "certification_no",
            "content_officer",
            "deputy_officer",
            "operators",
            "status",
            "last_reviewed_on",
            "note",
        ]
        read_only_fields = ["last_reviewed_on"]

    def validate(self, attrs):
        officer = attrs.get("content_officer", getattr(self.instance, "content_officer", None))
        deputy = attrs.get("deputy_officer", getattr(self.instance, "deputy_officer", None))
        if officer is not None and officer == deputy:
            raise serializers.ValidationError({"deputy_officer": "副责任人不能与内容安全负责人为同一人。"})
        return attrs


class PublicAccountViewSet(DepartmentScopedViewSet):
    model = PublicAccount
    serializer_class = PublicAccountSerializer
    filterset_class = PublicAccountFilterSet

    def get_queryset(self):
        return (
            super().get_queryset().select_related("department").prefetch_related("operators").order_by("pk")
        )


class PublicAccountReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicAccountReview
        fields = [
            "id",
            "department",
            "account",
            "year",
            "reviewed_on",
            "reviewer",
            "still_needed",
            "officer_confirmed",
            "registration_current",
            "conclusion",
            "obligation",
        ]
        read_only_fields = fields


class CompleteReviewSerializer(serializers.Serializer):
    still_needed = serializers.BooleanField(default=True, label="账号仍需运营")
    officer_confirmed = serializers.BooleanField(default=False, label="内容安全负责人在岗")
    registration_current = serializers.BooleanField(default=False, label="注册与认证信息有效")
    conclusion = serializers.CharField(max_length=2000, label="核查结论")


class PublicAccountReviewViewSet(ReadOnlyScopedViewSet):
    model = PublicAccountReview
    serializer_class = PublicAccountReviewSerializer
    filterset_class = PublicAccountReviewFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("account").order_by("-year", "pk")

    @action(detail=True, methods=["post"], serializer_class=CompleteReviewSerializer)
    def complete(self, request, pk=None):
        """Record the year's review (meets its obligation) — the same service as the page."""
        review = self.get_object()
        if not PublicAccountReview.objects.visible_to(request.user, "change").filter(pk=review.pk).exists():
            raise PermissionDenied("您没有权限完成该核查。")
        data = CompleteReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            review = services.complete_review(review, by=request.user, **data.validated_data)
        except ValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            ) from error
        return Response(PublicAccountReviewSerializer(review).data)
