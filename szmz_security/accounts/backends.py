"""The portal's password backend: Django's ``ModelBackend``, whose signed-in user arrives with what
every page reads of it.

The navigation (roles, departments), the access rule (the user's groups and departments) and the
role checks read ``user.groups`` several times per request, the header shows the profile's name and
the password-age check reads the last password change and the bell the user's mark-all-read time: the user is loaded once per request with its
profile joined, the time of its last password change annotated, and its groups with their
departments prefetched, and its model permissions are read in one query rather than two.
``user.groups.add()``/``remove()`` drop the prefetched list, so a change of roles is seen at once.

The user is also marked as a request's user (``request_grants``): the access rule then reads the
guardian grants it holds once per request (``org.access.may_hold_grants``).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import OuterRef, Prefetch, Q, Subquery

from szmz_security.obligations.models import NotificationReadMark
from szmz_security.org.access import user_group_ids

from .models import PasswordHistory


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        last_change = PasswordHistory.objects.filter(user=OuterRef("pk")).order_by("-changed_at", "-pk")
        users = (
            get_user_model()
            ._default_manager.select_related("profile")
            # The groups with their departments in one query (a department is a group's one-to-one).
            .prefetch_related(Prefetch("groups", queryset=Group.objects.select_related("department")))
            .annotate(
                password_set_at=Subquery(last_change.values("changed_at")[:1]),
                # The bell's "mark all read" time, read on every page.
                notification_read_through=Subquery(
                    NotificationReadMark.objects.filter(user=OuterRef("pk")).values("read_through")[:1]
                ),
            )
        )
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        user.request_grants = None  # read on first use (org.access.may_hold_grants)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__in=user_group_ids(user_obj)))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list("content_type__app_label", "codename")
            }
        return user_obj._perm_cache
