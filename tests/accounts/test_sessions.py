"""Idle timeout on top of the absolute session lifetime (issue #13)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from szmz_security.auditlog.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_idle_session_ends_after_the_idle_minutes(client, staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(staff)
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity keeps it alive
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/incidents/")
        assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fincidents%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
        assert "超过 30 分钟未操作，已自动退出" in page.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, username="staff").exists()


def test_idle_minutes_follow_the_setting(client, settings, staff):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(staff)
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=6))
        assert client.get("/").status_code == 302
