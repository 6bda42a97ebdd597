"""Celery application. Broker and schedule come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "szmz_security.settings")

app = Celery("szmz_security")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
