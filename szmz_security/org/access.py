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

Need-to-know (#13) is one more level on top of "view", decided here only: ``visible_to(user,
"view")`` is a record's *existence* (its dates, deadlines and whether they were met), and
``content_visible_to(user)`` / ``can_read_content(user, obj)`` its *content* (description, people,
attachments). An unrestricted record's content is as visible as the record. A restricted record's
content is read by holders of ``org.read_restricted_content`` (保密办, 安全员) and by explicit
grantees of the record (guardian "view" rows: the reporter, the named people, a department the
保密办 shared it with) — not by the global viewers (局领导, 检查员) nor any administrator.
"""

import functools
import weakref

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .models import Department

MANAGE_DEPARTMENT_PERMISSION = "org.manage_department_records"
READ_RESTRICTED_PERMISSION = "org.read_restricted_content"
ACTIONS = ("view", "change", "delete")
# What a reader without content access sees in place of a restricted record's content.
REDACTED = "（知悉范围受限）"


def may_hold_grants(user, model, action):
    """Whether guardian rows may give ``user`` ``action`` on some record of ``model``. Exact for the
    signed-in user of a request, whose grants are read once (``request_grants``); True, the safe
    answer (the full rule is applied), for any other user object."""
    if getattr(user, "request_grants", False) is False or model._meta.label not in _grant_tables():
        return True
    if user.request_grants is None:
        user.request_grants = granted_permissions(user)
    return (model._meta.app_label, f"{action}_{model._meta.model_name}") in user.request_grants


def granted_permissions(user):
    """(app label, codename) of every permission a guardian row grants the user or one of their
    groups, on any department-scoped model: one query over every grant table, by its user or
    group index."""
    tables = _grant_tables()
    if not tables:
        return set()
    group_ids = [group.pk for group in user.groups.all()] or [0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = connection.connection
            cursor.execute(_prepared_grants_sql(tables, raw), [user.pk, group_ids])
            _connections_prepared.add(raw)  # only once it ran: a failed PREPARE is tried again
        else:
            # SQLite has no arrays: one placeholder per group id.
            sql = _grants_sql(tables, "%s", "IN ({})".format(", ".join(["%s"] * len(group_ids))))
            cursor.execute(sql, [value for _tables in tables for value in (user.pk, *group_ids)])
        return set(cursor.fetchall())


def _grants_sql(tables, user_param, group_match):
    branches = []
    for user_table, group_table in tables.values():
        branches.append(f'SELECT permission_id FROM "{user_table}" WHERE user_id = {user_param}')  # nosec B608 # table names come from the models' metadata, values are parameters
        branches.append(f'SELECT permission_id FROM "{group_table}" WHERE group_id {group_match}')  # nosec B608 # as above
    return (
        "SELECT ct.app_label, p.codename FROM auth_permission p "
        "JOIN django_content_type ct ON ct.id = p.content_type_id "
        f"WHERE p.id IN ({' UNION '.join(branches)})"  # nosec B608 # built from the constant branches above
    )


# PostgreSQL spent 1–2 ms planning the 80 branches on every page and 0.3 ms running them: the
# statement is prepared once per database connection (a prepared statement outlives a rolled-back
# transaction; a new connection prepares it again) and only executed afterwards.
GRANTS_STATEMENT = "portal_granted_permissions"
_connections_prepared = weakref.WeakSet()


def _prepared_grants_sql(tables, raw):
    """``EXECUTE`` of the prepared statement; on a connection that has not prepared it yet, the
    ``PREPARE`` goes first in the same round trip (one query either way: the page's count of
    queries does not depend on which request came first)."""
    execute = f"EXECUTE {GRANTS_STATEMENT}(%s, %s)"
    if raw in _connections_prepared:
        return execute
    sql = _grants_sql(tables, "$1", "= ANY($2)")
    return f"PREPARE {GRANTS_STATEMENT}(bigint, bigint[]) AS {sql}; {execute}"  # nosec B608 # built from metadata, no value


@functools.cache
def _grant_tables():
    """Model label → its guardian direct-FK tables (user, group), from the models' metadata, for
    every department-scoped model that has both (any other model always gets the full rule)."""
    found = {}
    for grant_model in apps.get_models():
        for base, slot in ((UserObjectPermissionBase, 0), (GroupObjectPermissionBase, 1)):
            if issubclass(grant_model, base):
                field = grant_model._meta.get_field("content_object")
                if isinstance(field, models.ForeignKey) and issubclass(
                    field.related_model, DepartmentScopedModel
                ):
                    found.setdefault(field.related_model._meta.label, [None, None])[slot] = (
                        grant_model._meta.db_table
                    )
    return {label: tuple(pair) for label, pair in found.items() if None not in pair}


def _groups_loaded(user):
    return "groups" in getattr(user, "_prefetched_objects_cache", {})


def user_departments(user):
    """The departments the user belongs to, in their order: from the groups prefetched with the
    request's user (``accounts/backends.py``), else one query."""
    if not _groups_loaded(user):
        return list(Department.objects.filter(group__user=user))
    found = [group.department for group in user.groups.all() if hasattr(group, "department")]
    return sorted(found, key=lambda department: (department.sort_order, department.code))


def user_department_ids(user):
    """The user's department ids, for the access rule: constants when the groups were prefetched
    with the request's user, else a subquery of the same SQL statement."""
    if _groups_loaded(user):
        return [department.pk for department in user_departments(user)]
    return Department.objects.filter(group__user=user).values("pk")


def user_group_ids(user):
    """The ids of the user's groups (departments and roles), likewise: constants from the prefetched
    list, else a subquery."""
    if _groups_loaded(user):
        return [group.pk for group in user.groups.all()]
    return user.groups.values("pk")


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
        if not may_hold_grants(user, model, action):
            # No guardian row gives this user the action on any record of the model: the rule is
            # the own-department branch alone, a plain filter each index and later filter can use.
            return self.filter(self.own_department_q(user, action))
        return self.filter(pk__in=self.visible_ids(user, action))

    def own_department_q(self, user, action):
        if action != "view" and not user.has_perm(MANAGE_DEPARTMENT_PERMISSION):
            return models.Q(pk__in=[])
        own = models.Q(department__in=user_department_ids(user))
        if self.model.restricted_field:
            own &= models.Q(**{self.model.restricted_field: False})
        return own

    def visible_ids(self, user, action="view"):
        """The ids a user without the global permission may act on: one ``UNION ALL`` of the own
        department's unrestricted records and the guardian grants to the user and to their groups.

        Each branch reads its own index (the department's, the grant tables' object and user/group
        keys), and the outer ``id IN (…)`` becomes a semi-join on the primary key. The earlier
        form, an OR of three ``id IN (subquery)`` tests, could not be served from any index:
        PostgreSQL read every row of the table and probed three hashed subplans for each
        (bench/bench_incidents.py prints the plan)."""
        model = self.model
        branches = self.grant_branches(user, action)
        if action == "view" or user.has_perm(MANAGE_DEPARTMENT_PERMISSION):
            departments = user_department_ids(user)
            own = model._default_manager.filter(department__in=departments)
            if model.restricted_field:
                own = own.filter(**{model.restricted_field: False})
            branches.insert(0, own.order_by().values("pk"))
        return branches[0].union(*branches[1:], all=True)

    def grant_branches(self, user, action):
        """The ids granted by guardian rows to the user and to any of their groups (two queries
        to be combined; each reads its grant table by user or group)."""
        model = self.model
        grants = {
            "permission__codename": f"{action}_{model._meta.model_name}",
            "permission__content_type": ContentType.objects.get_for_model(model),
        }
        return [
            get_user_obj_perms_model(model).objects.filter(user=user, **grants).values("content_object_id"),
            get_group_obj_perms_model(model)
            .objects.filter(group__in=user_group_ids(user), **grants)
            .values("content_object_id"),
        ]

    def granted_to(self, user, action="view"):
        """Records granted to the user or one of their groups (guardian rows only)."""
        return self.model._default_manager.filter(pk__in=self.granted_ids(user, action))

    def granted_ids(self, user, action="view"):
        user_grants, group_grants = self.grant_branches(user, action)
        return user_grants.union(group_grants, all=True)

    def content_visible_to(self, user):
        """Records whose content the user may read (the need-to-know level, see the module)."""
        visible = self.visible_to(user, "view")
        field = self.model.restricted_field
        if not field or reads_all_content(user):
            return visible
        if not may_hold_grants(user, self.model, "view"):
            return visible.filter(**{field: False})
        return visible & (self.model._default_manager.filter(**{field: False}) | self.granted_to(user))

    def with_content_access(self, user):
        """Annotate each row with ``content_visible``, for lists and exports (no query per row)."""
        field = self.model.restricted_field
        if user is None or not user.is_authenticated:
            return self.none()
        if not field or reads_all_content(user):
            return self.annotate(content_visible=models.Value(True, output_field=models.BooleanField()))
        readable = models.Q(**{field: False})
        if may_hold_grants(user, self.model, "view"):
            readable |= models.Q(pk__in=self.granted_ids(user))
        return self.annotate(content_visible=models.ExpressionWrapper(readable, models.BooleanField()))


def reads_all_content(user):
    return user.is_authenticated and user.has_perm(READ_RESTRICTED_PERMISSION)


def can_read_content(user, obj):
    """Whether ``user`` may read ``obj``'s content: its description, people and attachments."""
    if getattr(obj, "content_visible", None) is not None:
        return obj.content_visible
    if not isinstance(obj, DepartmentScopedModel):
        return True  # no need-to-know level (vendors, rules …): the view rule alone decides
    if not obj.is_restricted():
        return can(user, "view", obj)
    return type(obj).objects.content_visible_to(user).filter(pk=obj.pk).exists()


def content_readable(obj):
    """For a row of ``with_content_access``; a row that was not annotated counts as unreadable
    when restricted, so a forgotten annotation hides content rather than leaking it."""
    annotated = getattr(obj, "content_visible", None)
    return annotated if annotated is not None else not is_restricted(obj)


def search_content(queryset, content, public=None):
    """A text search whose ``content`` condition matches a restricted row only where the user
    reads its content (else the hit itself would reveal it); ``public`` matches any visible row.
    Rows come from ``with_content_access`` (the list views and exports)."""
    if "content_visible" in queryset.query.annotations:
        content = content & models.Q(content_visible=True)
    return queryset.filter(content | public if public is not None else content)


def is_restricted(obj):
    """Whether a record is need-to-know; records of models without the notion never are."""
    return isinstance(obj, DepartmentScopedModel) and obj.is_restricted()


class DepartmentScopedModel(models.Model):
    """Base of every department-owned record: a department and the one access rule."""

    department = models.ForeignKey(
        Department, verbose_name="所属部门", on_delete=models.PROTECT, related_name="+"
    )

    # Name of the boolean field that makes a record need-to-know, or None when the model has none.
    restricted_field = "restricted"
    # What a reader without content access sees of a restricted record (its existence, dates and
    # deadlines); everything else is content. Models with a restricted field name theirs.
    restricted_public_fields = ("department",)
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
    "REDACTED",
    "can",
    "can_read_content",
    "content_readable",
    "global_permission",
    "grant",
    "revoke",
    "share_with_department",
    "creatable_departments",
]
