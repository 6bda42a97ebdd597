from szmz_security.obligations.models import Notification
from szmz_security.org.access import user_departments
from szmz_security.org.roles import ROLES


def portal(request):
    """The bell's unread count and the user's departments and roles, for the base layout
    (three queries per page, whatever the data)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Computed once per request: django-tables2 renders its table with the request's context
    # processors again, which would repeat these queries on every list page.
    cached = getattr(request, "_portal_context", None)
    if cached is None:
        group_names = [group.name for group in user.groups.all()]  # prefetched with the user
        cached = request._portal_context = {
            "unread_notifications": Notification.objects.unread_badge(user),
            "my_departments": user_departments(user),
            "my_roles": [role for role in ROLES if role.name in group_names],
        }
    return cached
