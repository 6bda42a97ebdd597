from szmz_security.obligations.models import Notification
from szmz_security.org.models import Department
from szmz_security.org.roles import ROLES


def portal(request):
    """The bell's unread count and the user's departments and roles, for the base layout
    (three queries per page, whatever the data)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    group_names = list(user.groups.values_list("name", flat=True))
    return {
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "my_departments": list(Department.objects.filter(group__name__in=group_names)),
        "my_roles": [role for role in ROLES if role.name in group_names],
    }
