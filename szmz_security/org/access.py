"""The one access rule (DESIGN.md §1), used by every list, detail, export, PDF and API endpoint.

For a department-owned record and an action ("view", "change", "delete"):
  1. a holder of the global permission ``<app>.<action>_<model>`` may act on every record;
  2. a member of the owning department may view its unrestricted records, and a member who is
     处室负责人 (``org.manage_department_records``) may also change and delete them;
  3. django-guardian's per-object grants (direct foreign-key tables, to a user or to a group such
     as another department's) add single records: sharing, investigators, reviewers and the
     named people of a restricted (need-to-know) record.
``visible_to`` composes the three as one SQL query. A record outside ``visible_to(user, "view")``
answers 404; one inside it but outside the wanted action answers 403.
"""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Department

MANAGE_DEPARTMENT_PERMISSION = "org.manage_department_records"
ACTIONS = ("view", "change", "delete")


def global_permission(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class DepartmentScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        model = self.model
        if user.has_perm(global_permission(model, action)):
            return self

        # Every branch is an "id IN (subquery)" OR-ed into this queryset's own WHERE (querysets
        # combined with | and &), so the database reads the few granted ids from the guardian
        # tables and the department index, never every row: wrapping guardian's queryset in
        # pk__in=...values("pk") made PostgreSQL scan the whole table for it, and an inline
        # department test made SQLite fetch each open row (bench/bench_dashboard.py).
        visible = get_objects_for_user(
            user,
            global_permission(model, action),
            klass=model,
            accept_global_perms=False,
            with_superuser=False,
        )
        if action == "view" or user.has_perm(MANAGE_DEPARTMENT_PERMISSION):
            departments = Department.objects.filter(group__user=user).values("pk")
            own = model._default_manager.filter(department__in=departments)
            if model.restricted_field:
                own = own.filter(**{model.restricted_field: False})
            visible = visible | model._default_manager.filter(pk__in=own.values("pk"))
        return self & visible


class DepartmentScopedModel(models.Model):
    """Base of every department-owned record: a department and the one access rule."""

    department = models.ForeignKey(
        Department, verbose_name="所属部门", on_delete=models.PROTECT, related_name="+"
    )

    # Name of the boolean field that makes a record need-to-know, or None when the model has none.
    restricted_field = "restricted"
    # Detail views of sensitive records are written to the audit log (DESIGN.md §5).
    audit_views = False

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_restricted(self):
        return bool(self.restricted_field and getattr(self, self.restricted_field))


def grant(permission_action, who, obj):
    """Grant one action on one record to a user or a group (guardian direct-FK row)."""
    return assign_perm(global_permission(type(obj), permission_action), who, obj)


def revoke(permission_action, who, obj):
    return remove_perm(global_permission(type(obj), permission_action), who, obj)


def share_with_department(obj, department, actions=("view",)):
    for action in actions:
        grant(action, department.group, obj)


def can(user, action, obj):
    """Whether ``user`` may do ``action`` on ``obj`` under the rule (one query)."""
    return type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists()


def creatable_departments(user, model):
    """Departments a user may file a new record for: their own, or any with the global change
    permission (officers act bureau-wide); none without the add permission."""
    if not user.is_authenticated or not user.has_perm(global_permission(model, "add")):
        return Department.objects.none()
    if user.has_perm(global_permission(model, "change")):
        return Department.objects.filter(is_active=True)
    return Department.objects.of_user(user).filter(is_active=True)


__all__ = [
    "DepartmentScopedModel",
    "DepartmentScopedQuerySet",
    "GroupObjectPermissionBase",
    "UserObjectPermissionBase",
    "can",
    "global_permission",
    "grant",
    "revoke",
    "share_with_department",
    "creatable_departments",
]
