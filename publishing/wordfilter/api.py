"""``POST /api/filter/check/``: the sensitive-word filter for the website's CMS and other callers.

Bounded (issue #21): at most ``FILTER_MAX_HITS`` hits in one answer, always with their total, and
at most ``FILTER_CHECK_RATE`` checks per user and minute (429 naming the limit). The publishing
screens call ``wordfilter`` directly and are not limited.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from . import matcher
from .models import WordCategory, WordLevel

MAX_TEXT_CHARS = 1_000_000  # about 1 MB of text; larger documents are checked in parts by the caller


class FilterCheckRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        label="待检查文本",
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_TEXT_CHARS,
        error_messages={
            "invalid": "text 必须是字符串。",
            "max_length": f"text 过长：最多 {MAX_TEXT_CHARS:,} 个字符。",
            "required": "缺少 text 字段。",
            "null": "text 不能为 null。",
        },
    )

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"text": ['请求体应为 JSON 对象：{"text": "…"}。']})
        # CharField would accept numbers and booleans (str(42)); the CMS must send a string.
        if "text" in data and data["text"] is not None and not isinstance(data["text"], str):
            raise serializers.ValidationError({"text": ["text 必须是字符串。"]})
        return super().to_internal_value(data)


class FilterHitSerializer(serializers.Serializer):
    word = serializers.CharField(label="命中的敏感词（词库中的写法）")
    category = serializers.ChoiceField(label="类别", choices=WordCategory.choices)
    level = serializers.ChoiceField(label="级别", choices=WordLevel.choices)
    start = serializers.IntegerField(label="在原文中的起始位置（字符，含）")
    end = serializers.IntegerField(label="在原文中的结束位置（字符，不含）")


class FilterCheckResponseSerializer(serializers.Serializer):
    hits = FilterHitSerializer(many=True, label="命中（按位置排序，最多 FILTER_MAX_HITS 条）")
    total = serializers.IntegerField(label="命中总数")
    truncated = serializers.BooleanField(label="命中多于返回条数")
    blocked = serializers.BooleanField(label="含拦截级敏感词")
    needs_review = serializers.BooleanField(label="含须人工审核的敏感词")


class FilterCheckThrottle(UserRateThrottle):
    """Checks per user and minute, counted in the shared cache (settings.FILTER_CHECK_RATE)."""

    scope = "filter_check"

    def get_rate(self):
        return f"{settings.FILTER_CHECK_RATE}/min"


class FilterCheckView(APIView):
    throttle_classes = [FilterCheckThrottle]

    def throttled(self, request, wait):
        raise Throttled(
            wait,
            detail=f"检查过于频繁：每人每分钟最多 {settings.FILTER_CHECK_RATE} 次（FILTER_CHECK_RATE），"
            f"请 {int(wait or 0) + 1} 秒后再试。",
        )

    @extend_schema(
        operation_id="filter_check",
        request=FilterCheckRequestSerializer,
        responses={
            200: FilterCheckResponseSerializer,
            429: OpenApiResponse(description="超过每分钟检查次数"),
        },
        examples=[OpenApiExample("命中", request_only=True, value={"text": "网上赌.博平台"})],
        tags=["filter"],
    )
    def post(self, request):
        """Check a text against the active sensitive-word list. Positions are character offsets
        (Unicode code points) in the text as sent; evasions (full-width, case, inserted spaces,
        punctuation, symbols, zero-width characters, traditional characters) are matched. At most
        FILTER_MAX_HITS hits are listed (the first by position); ``total`` counts them all."""
        serializer = FilterCheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = matcher.check_first(serializer.validated_data["text"], settings.FILTER_MAX_HITS)
        return Response(
            {
                "hits": [hit.as_dict() for hit in found.hits],
                "total": found.total,
                "truncated": found.total > len(found.hits),
                "blocked": found.blocked,
                "needs_review": found.needs_review,
            }
        )


filter_check = FilterCheckView.as_view()
