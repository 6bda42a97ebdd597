"""Writing audit events. Every caller goes through ``record``."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from szmz_security.obligations.models import Notification
from szmz_security.obligations.services import notify
from szmz_security.org.roles import role_group_name

from . import chain
from .models import AuditChainVerification, AuditEvent


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


# --- verification of the hash chain ---------------------------------------------------------------


def last_verification():
    """The latest walk over the chain (an AuditChainVerification), or None: shown on the audit-log
    page and stated in the inspection PDF."""
    return AuditChainVerification.objects.order_by("-started_at", "-pk").first()


def verify_chain(notify_officers=True):
    """Verify every class's chain, record the result and, when it is broken, tell the security
    officers (once a day per broken event)."""

    started_at = timezone.now()
    last_intact = AuditChainVerification.objects.filter(ok=True).order_by("-started_at", "-pk").first()
    anchors = last_intact.heads if last_intact else {}
    result = chain.verify(AuditEvent, AuditEvent.LogClass.values, anchors=anchors)
    broken = result.first_broken
    verification = AuditChainVerification.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        ok=result.ok,
        events_checked=result.checked,
        first_broken_id=broken.id if broken else None,
        first_broken_at=broken.at if broken else None,
        message=result.message(),
        heads=result.heads,
    )
    if broken and notify_officers:
        officers = get_user_model().objects.filter(
            is_active=True, groups__name=role_group_name("security_officer")
        )
        notify(
            officers,
            key=f"auditlog.chain_broken:{timezone.localdate(started_at)}:{broken.id}",
            title="审计日志完整性校验失败",
            body=verification.message,
            url=reverse("auditlog:auditevent_list"),
            level=Notification.Level.DANGER,
        )
    return verification
