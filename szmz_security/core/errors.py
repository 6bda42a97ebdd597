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
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from .redirects import is_on_portal

logger = logging.getLogger(__name__)

# ProtectedError and RestrictedError are IntegrityErrors too: test for them first.
REFERENCED = (ProtectedError, RestrictedError)
CONFLICTS = (*REFERENCED, IntegrityError)
# Dependents named one by one in a message, and listed in an answer; all of them are counted.
NAMED_DEPENDENTS = 5
LISTED_DEPENDENTS = 50
RACE_MESSAGE = "保存失败：该记录刚被他人修改或引用，与现有记录冲突。请刷新页面后重试。"


def dependents(error, user):
    """The records that block a delete, as ``[{"model", "name", "id", "repr"}]``, and how many
    more the user may not see (named only through the access rule, ``visible_to``; a model
    without one is a child record seen with its parent)."""
    blocking = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", None) or ()
    by_model = defaultdict(list)
    for obj in blocking:
        by_model[type(obj)].append(obj)
    named, hidden = [], 0
    for model, objs in sorted(by_model.items(), key=lambda item: item[0]._meta.label_lower):
        visible_to = getattr(model._default_manager, "visible_to", None)
        if visible_to is not None:
            allowed = set(
                visible_to(user, "view").filter(pk__in=[obj.pk for obj in objs]).values_list("pk", flat=True)
            )
            hidden += sum(obj.pk not in allowed for obj in objs)
            objs = [obj for obj in objs if obj.pk in allowed]
        named += [
            {
                "model": model._meta.label_lower,
                "name": str(model._meta.verbose_name),
                "id": obj.pk,
                "repr": str(obj),
            }
            for obj in sorted(objs, key=lambda obj: obj.pk)
        ]
    return named, hidden


def conflict_message(error, user):
    """A clear Chinese sentence: what blocks the change, by kind and with the first few named."""
    if not isinstance(error, REFERENCED):
        return RACE_MESSAGE
    named, hidden = dependents(error, user)
    by_kind = defaultdict(list)
    for record in named:
        by_kind[record["name"]].append(record["repr"])
    parts = []
    for name, reprs in by_kind.items():
        listed = "、".join(f"“{text}”" for text in reprs[:NAMED_DEPENDENTS])
        more = " 等" if len(reprs) > NAMED_DEPENDENTS else ""
        parts.append(f"{name} {len(reprs)} 条（{listed}{more}）")
    if hidden:
        parts.append(f"另有 {hidden} 条您无权查看的记录")
    return f"该记录仍被其他记录引用，不能删除：{'；'.join(parts)}。请先处理这些记录。"


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None or not isinstance(exc, CONFLICTS):
        return response
    set_rollback()
    if not isinstance(exc, REFERENCED):
        logger.warning("write conflict answered 409: %s", exc)
    user = context["request"].user
    named, hidden = dependents(exc, user)
    body = {
        "detail": conflict_message(exc, user),
        "dependents": named[:LISTED_DEPENDENTS],
        "dependent_count": len(named) + hidden,
    }
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
        back = referer if is_on_portal(request, referer) else "/"
        context = {
            "message": conflict_message(exception, request.user),
            "dependents": dependents(exception, request.user)[0][:LISTED_DEPENDENTS],
            "back": back,
        }
        return render(request, "errors/conflict.html", context, status=409)
