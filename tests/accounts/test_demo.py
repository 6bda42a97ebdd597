"""Demo authenticators: a fixed, documented key and `manage.py demo_totp` (DEBUG only)."""

from base64 import b32encode

import pytest
from django.core.management import CommandError, call_command

from szmz_security.accounts.services import confirmed_totp, current_code, demo_totp_device
from szmz_security.org.demo import DEMO_TOTP_KEY

pytestmark = pytest.mark.django_db

README_KEY = "KNNE2WRNMRSW23ZNKRHVIUBNGIYDENRB"


def test_demo_key_is_the_documented_one():
    assert b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode() == README_KEY


def test_seed_demo_gives_privileged_users_the_demo_authenticator(django_user_model, capsys):
    call_command("seed_demo")
    assert README_KEY in capsys.readouterr().out
    officer = django_user_model.objects.get(username="officer")
    assert confirmed_totp(officer).key == DEMO_TOTP_KEY
    assert confirmed_totp(django_user_model.objects.get(username="staff.shjz")) is None


def test_demo_totp_prints_the_current_code(settings, officer, capsys):
    settings.DEBUG = True
    device = demo_totp_device(officer)
    call_command("demo_totp", "officer")
    assert capsys.readouterr().out.strip() == current_code(device)
    assert device.verify_token(current_code(device))


def test_demo_totp_is_refused_in_production(settings, officer):
    settings.DEBUG = False
    demo_totp_device(officer)
    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("demo_totp", "officer")
