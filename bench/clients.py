"""Test clients for the page benchmarks. Apart from ``common`` because it imports models: the load
test's runner imports ``common`` before Django is set up."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from szmz_security.accounts.services import TOTP_DEVICE_NAME, confirmed_totp


def logged_in_client(user):
    """A test client signed in as ``user`` with the second factor passed, as a privileged role
    (安全员 …) needs before any page opens (issue #13); without it the page is a redirect."""
    client = Client()
    client.force_login(user)
    device = confirmed_totp(user) or TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
