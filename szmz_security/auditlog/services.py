"""Writing audit events. Every caller goes through ``record``."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def client_address(request):
    # Behind the production proxy the client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return address or None


def record(kind, *, request=None, user=None, username="", obj=None, outcome=AuditEvent.Outcome.SUCCESS, **detail):
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    event = AuditEvent(
        kind=kind,
        log_class=AuditEvent.KIND_CLASS[kind],
        outcome=outcome,
        user=user if user is not None and user.pk else None,
        username=username or (user.get_username() if user is not None else ""),
        detail=detail,
    )
    if request is not None:
        event.ip_address = client_address(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    if obj is not None:
        event.object_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    event.save()
    return event
