from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import record


@receiver(user_logged_in, dispatch_uid="audit.login")
def on_login(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    record(
        AuditEvent.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        outcome=AuditEvent.Outcome.FAILURE,
    )


@receiver(user_logged_out, dispatch_uid="audit.logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_locked_out, dispatch_uid="audit.locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(
        AuditEvent.Kind.LOCKED_OUT,
        request=request,
        username=str(username or "")[:150],
        outcome=AuditEvent.Outcome.FAILURE,
    )
