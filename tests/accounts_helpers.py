"""Second-factor helpers for tests: a confirmed authenticator and the code it shows."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from szmz_security.accounts.services import TOTP_DEVICE_NAME, confirmed_totp


def totp_device(user):
    """The user's confirmed authenticator, made if missing."""
    return confirmed_totp(user) or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


def fresh_code(device):
    """A code the device accepts now: the current one, or the next step's when the current one
    was already used (a code works once), within django-otp's tolerance of one step."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t is not None and device.last_t >= totp.t():
        totp.drift += device.last_t - totp.t() + 1
    return f"{totp.token():0{device.digits}d}"
