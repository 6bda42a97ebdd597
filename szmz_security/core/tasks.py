"""Enqueueing Celery work safely (DESIGN.md §3, pitfalls 2–3).

Tasks are sent only after the surrounding transaction commits, and a broker outage never fails
the user's request: the minute sweep picks up whatever the task would have done.
"""

import logging

from django.db import transaction

from szmz_security.celery import app

logger = logging.getLogger(__name__)


def send_task_now(name, *args, **kwargs):
    try:
        app.send_task(name, args=args, kwargs=kwargs, retry=False)
    except Exception as error:  # noqa: BLE001 - kombu raises many kinds; all mean "broker unreachable"
        logger.warning("could not enqueue %s (the periodic sweep will catch up): %s", name, error)
        return False
    return True


def enqueue_on_commit(name, *args, **kwargs):
    transaction.on_commit(lambda: send_task_now(name, *args, **kwargs))
