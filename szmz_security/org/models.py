"""Departments (处室 / 直属单位) and staff profiles.

A department owns a Django Group: membership of that group is membership of the department, so
guardian's group object permissions share a record with a whole department (DESIGN.md §1).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction
from simple_history.models import HistoricalRecords

DEPARTMENT_GROUP_PREFIX = "处室:"


class DepartmentQuerySet(models.QuerySet):
    def of_user(self, user):
        """The departments a user belongs to (through the departments' groups)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(group__user=user)

    def visible_to(self, user, action="view"):
        # The department directory is not secret: every signed-in user may read it; only
        # administrators (global permission) change it.
        if not user.is_authenticated:
            return self.none()
        if action == "view" or user.has_perm(f"org.{action}_department"):
            return self
        return self.none()


class Department(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", "处室"
        UNIT = "unit", "直属单位"

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.OFFICE)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    group = models.OneToOneField(
        Group, verbose_name="所属用户组", on_delete=models.PROTECT, related_name="department", editable=False
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    history = HistoricalRecords()
    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["sort_order", "code"]
        permissions = [
            ("manage_department_records", "管理本部门的记录（处室负责人）"),
            # Need-to-know (#13): whoever holds it reads every restricted record's content;
            # everyone else needs a grant on the record (szmz_security/org/access.py).
            ("read_restricted_content", "阅读知悉范围受限记录的内容（保密办、安全员）"),
            # Separation of duties (#21): the security administrator's two powers.
            ("assign_roles", "分配角色（安全管理员）"),
            ("share_any_record", "在共享页为任何记录授权（安全管理员）"),
            ("share_restricted_records", "为知悉范围受限的记录授权（保密办）"),
            ("mark_need_to_know", "标记或取消标记记录的知悉范围（安全管理员）"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if not self.group_id:
                self.group, _ = Group.objects.get_or_create(name=f"{DEPARTMENT_GROUP_PREFIX}{self.code}")
            elif self.group.name != f"{DEPARTMENT_GROUP_PREFIX}{self.code}":
                self.group.name = f"{DEPARTMENT_GROUP_PREFIX}{self.code}"
                self.group.save(update_fields=["name"])
            super().save(*args, **kwargs)

    def add_member(self, user):
        user.groups.add(self.group_id)

    def remove_member(self, user):
        user.groups.remove(self.group_id)

    @property
    def members(self):
        return self.group.user_set.all()


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField("姓名", max_length=50, blank=True)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    employee_no = models.CharField("工号", max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员档案"
        verbose_name_plural = "人员档案"

    def __str__(self):
        return self.full_name or self.user.get_username()

    @property
    def departments(self):
        return Department.objects.of_user(self.user)


def display_name(user):
    """姓名 where a profile has one, else the log-in name; used in tables, notifications and PDFs."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    if profile is not None and profile.full_name:
        return profile.full_name
    return user.get_full_name() or user.get_username()
