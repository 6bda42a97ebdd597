"""Sign-in rules: the second factor (django-otp TOTP with static backup codes), password age and
history, and the idle timeout. Views, middleware, the admin and commands call these."""

from base64 import b32encode
from datetime import timedelta

import django_otp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.org.demo import DEMO_TOTP_KEY
from szmz_security.org.roles import requires_second_factor

from .models import PasswordHistory

TOTP_DEVICE_NAME = "身份验证器"
BACKUP_DEVICE_NAME = "备用验证码"
BACKUP_CODE_COUNT = 10


# --- Second factor ------------------------------------------------------------------------------


def confirmed_totp(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def needs_code(user):
    """Whether this signed-in user must still give a code before reaching anything else."""
    if not user.is_authenticated or user.is_verified():
        return False
    return requires_second_factor(user) or has_second_factor(user)


def pending_totp(user):
    """The device being enrolled: unconfirmed until the user types a code from it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def manual_key(device):
    """The secret as an authenticator app's "enter a key" field wants it (base32, in groups)."""

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_enrolment(request, device, token):
    """Confirm the pending device with a code from it; returns the new backup codes, or None."""
    if not device.verify_token(token):
        record_failed_code(request, step="enrol")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = new_backup_codes(device.user)
    request.session.cycle_key()
    django_otp.login(request, device)
    record(AuditEvent.Kind.OTP_ENROLLED, request=request, user=device.user, device=device.name)
    return codes


def demo_totp_device(user):
    """The demo user's confirmed authenticator with the documented fixed key (idempotent)."""

    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=TOTP_DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return device


def current_code(device):
    """The code the device's authenticator shows now (demo command and tests)."""

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def new_backup_codes(user):
    """Replace the user's backup codes with fresh ones (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify_code(request, token):
    """Check a code against the user's authenticator, then their backup codes. On success the
    session is verified (and gets a new key); a wrong code is audited. Returns the device or None."""
    user = request.user
    token = "".join(token.split()).lower()
    # Six digits are an authenticator code, anything else a backup code: trying one kind on the
    # other device would count as a failure in that device's throttling.
    if token.isdigit() and len(token) == 6:
        device = confirmed_totp(user)
    else:
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is not None and django_otp.verify_token(user, device.persistent_id, token):
        request.session.cycle_key()
        django_otp.login(request, device)
        return device
    record_failed_code(request, step="verify")
    return None


def throttled_for(user):
    """Seconds until the authenticator accepts another try after repeated wrong codes (0: now)."""
    device = confirmed_totp(user)
    if device is None or device.throttling_failure_timestamp is None:
        return 0
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    delay = info.get("locked_until") - timezone.now() if info and info.get("locked_until") else timedelta(0)
    return max(int(delay.total_seconds()) + 1, 1)


def record_failed_code(request, *, step):
    record(AuditEvent.Kind.OTP_FAILED, request=request, outcome=AuditEvent.Outcome.FAILURE, step=step)


def remaining_backup_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset_second_factor(user, *, request=None, by=None):
    """Remove the user's authenticator and backup codes: their next sign-in enrols again."""
    removed = (
        TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    )
    record(
        AuditEvent.Kind.OTP_RESET,
        request=request,
        user=by,
        obj=user,
        target=user.get_username(),
        removed=removed,
    )
    return removed


# --- Passwords ------------------------------------------------------------------------------------


def record_password_change(user):
    PasswordHistory.objects.create(user=user, password=user.password)


def password_changed_at(user):
    """When the current password was set: the last history row, else when the account was made
    (annotated on the signed-in user by ``accounts/backends.py``, else one query)."""
    if hasattr(user, "password_set_at"):
        return user.password_set_at or user.date_joined
    latest = PasswordHistory.objects.filter(user=user).values_list("changed_at", flat=True).first()
    return latest or user.date_joined


def password_expired(user, now=None):
    max_age = timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return (now or timezone.now()) - password_changed_at(user) > max_age


def password_changes(since, until):
    """Password changes in [since, until), oldest first, with the user: the evidence that
    passwords are changed (5 §4 privileged accounts, 6 §8)."""
    return (
        PasswordHistory.objects.filter(changed_at__gte=since, changed_at__lt=until)
        .select_related("user")
        .order_by("changed_at", "pk")
    )
