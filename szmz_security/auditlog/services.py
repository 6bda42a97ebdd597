"""Writing audit events. Every caller goes through ``record``."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def client_address(request):
    """The client's address. X-Forwarded-For is trusted only behind the configured number of
    proxies (PROXY_COUNT), taking the hop the nearest trusted proxy saw; otherwise it could be
    forged by the client."""
    proxies = settings.PROXY_COUNT
    forwarded = [
        hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind, *, request=None, user=None, username="", obj=None, outcome=AuditEvent.Outcome.SUCCESS, **detail
):
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
