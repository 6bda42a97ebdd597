"""The Django admin, each administrator seeing only the models of its duty (#21).

Which models an administrator sees follows from its role's permissions (Django's
``has_*_permission``); the site itself opens only to holders of an administrator role (or the
set-up superuser), so ``is_staff`` alone grants nothing. Accounts: the system administrator
creates, deactivates and resets them but never sets roles, superuser status or permissions
(role assignment is the security administrator's page, org/views.py); nobody edits their own
roles or departments here.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from szmz_security.accounts.services import reset_second_factor

from .models import Department, StaffProfile
from .role_assignment import record_role_change
from .roles import ADMINISTRATOR_ROLES, user_role_codes

User = get_user_model()
ADMINISTRATOR_CODES = {role.code for role in ADMINISTRATOR_ROLES}


def admin_site_has_permission(request):
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or bool(ADMINISTRATOR_CODES & set(user_role_codes(user))))
    )


# The default site, not a subclass: every app registers with ``admin.site``.
admin.site.has_permission = admin_site_has_permission


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name_plural = "人员档案"


class UserDepartmentsForm(forms.ModelForm):
    """Departments are groups; edit them as departments so roles and departments stay apart."""

    departments = forms.ModelMultipleChoiceField(
        label="所在部门",
        queryset=Department.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("部门", is_stacked=False),
    )

    class Meta:
        model = User
        # The user admin's fieldsets choose what is shown; this form only adds "departments".
        fields = "__all__"  # noqa: DJ007

    actor = None  # set by UserAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["departments"].initial = Department.objects.of_user(self.instance)
        if self.actor is not None and self.instance.pk == self.actor.pk:
            # Nobody changes their own roles or departments (departments decide what one sees).
            for name in ("departments", "groups", "is_superuser", "user_permissions", "is_staff"):
                if name in self.fields:
                    self.fields[name].disabled = True


admin.site.unregister(User)


# Fields only the set-up superuser edits: roles are assigned on the portal, staff status follows them.
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserDepartmentsForm
    inlines = [StaffProfileInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("部门", {"fields": ("departments",)}))
    list_display = ("username", "email", "first_name", "is_active", "is_staff", "last_login")
    actions = ["reset_second_factor"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        form.roles_before = set(user_role_codes(obj)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = set(user_role_codes(User.objects.get(pk=user.pk)))
        before = form.roles_before
        if after != before:
            record_role_change(request.user, user, after - before, before - after, request=request)
        if "departments" not in form.fields or form.fields["departments"].disabled:
            return  # the add form has no departments; one's own are not editable
        wanted = set(form.cleaned_data.get("departments") or [])
        current = set(Department.objects.of_user(user))
        for department in current - wanted:
            department.remove_member(user)
        for department in wanted - current:
            department.add_member(user)

    @admin.action(description="重置双因素认证（下次登录须重新绑定）", permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):

        for user in queryset:
            reset_second_factor(user, request=request)
        self.message_user(request, f"已重置 {len(queryset)} 个用户的双因素认证。")

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("accounts.reset_second_factor")
