"""One answer, for every model, when a write collides with other records (issue #13, "Faults").

A delete refused because other records still point at the row (``ProtectedError`` /
``RestrictedError``), or a write that lost a race to a constraint (``IntegrityError``), is a
conflict, not a server error: the API answers 409 naming the dependent records (DRF's
EXCEPTION_HANDLER, settings.REST_FRAMEWORK) and every page shows a Chinese message instead of a
500 (``ConflictMiddleware``). No view catches these itself.
"""

import logging
from collections import defaultdict

from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)

# ProtectedError and RestrictedError are IntegrityErrors too: test for them first.
REFERENCED = (ProtectedError, RestrictedError)
CONFLICTS = (*REFERENCED, IntegrityError)
# Dependents named one by one in a message; all of them are counted.
NAMED_DEPENDENTS = 5
RACE_MESSAGE = "保存失败：该记录刚被他人修改或引用，与现有记录冲突。请刷新页面后重试。"


def dependents(error):
    """The records that block a delete, as ``[{"model", "name", "id", "repr"}]``."""
    blocking = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", None) or ()
    return [
        {
            "model": obj._meta.label_lower,
            "name": str(obj._meta.verbose_name),
            "id": obj.pk,
            "repr": str(obj),
        }
        for obj in sorted(blocking, key=lambda obj: (obj._meta.label_lower, obj.pk))
    ]


def conflict_message(error):
    """A clear Chinese sentence: what blocks the change, by kind and with the first few named."""
    if not isinstance(error, REFERENCED):
        return RACE_MESSAGE
    by_kind = defaultdict(list)
    for record in dependents(error):
        by_kind[record["name"]].append(record["repr"])
    parts = []
    for name, reprs in by_kind.items():
        named = "、".join(f"“{text}”" for text in reprs[:NAMED_DEPENDENTS])
        more = " 等" if len(reprs) > NAMED_DEPENDENTS else ""
        parts.append(f"{name} {len(reprs)} 条（{named}{more}）")
    return f"该记录仍被其他记录引用，不能删除：{'；'.join(parts)}。请先处理这些记录。"


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None or not isinstance(exc, CONFLICTS):
        return response
    set_rollback()
    if not isinstance(exc, REFERENCED):
        logger.warning("write conflict answered 409: %s", exc)
    body = {"detail": conflict_message(exc), "dependents": dependents(exc)}
    return Response(body, status=status.HTTP_409_CONFLICT)


class ConflictMiddleware:
    """Turns a conflict raised by any page into a 409 page with the message and a way back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CONFLICTS):
            return None
        if not isinstance(exception, REFERENCED):
            logger.warning("write conflict on %s answered 409: %s", request.path, exception)
        referer = request.META.get("HTTP_REFERER", "")
        back = (
            referer
            if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
            else "/"
        )
        context = {
            "message": conflict_message(exception),
            "dependents": dependents(exception)[:50],
            "back": back,
        }
        return render(request, "errors/conflict.html", context, status=409)
