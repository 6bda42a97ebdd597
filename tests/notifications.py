"""Reading notifications in tests: a message names its recipients (ids fixed when it was sent);
these helpers spell out who was told what, one pair per recipient."""

from django.contrib.auth import get_user_model

from szmz_security.obligations.models import Notification


def deliveries(messages=None, by="username"):
    """(recipient, stage) for each recipient of each message (``by``: "username" or "pk")."""
    messages = Notification.objects.all() if messages is None else messages
    rows = list(messages.values_list("stage", "recipients"))
    names = dict(get_user_model().objects.values_list("pk", by)) if by != "pk" else None
    return [(names[pk] if names else pk, stage) for stage, recipients in rows for pk in recipients]


def told(messages=None, by="username"):
    """Who the messages reached."""
    return {who for who, _stage in deliveries(messages, by)}
