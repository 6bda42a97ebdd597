from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, StaffProfile

User = get_user_model()


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["departments"].initial = Department.objects.of_user(self.instance)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(GuardedModelAdminMixin, BaseUserAdmin):
    form = UserDepartmentsForm
    inlines = [StaffProfileInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("部门", {"fields": ("departments",)}))
    list_display = ("username", "email", "first_name", "is_active", "is_staff", "last_login")
    actions = ["reset_second_factor"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        wanted = set(form.cleaned_data.get("departments") or [])
        current = set(Department.objects.of_user(user))
        for department in current - wanted:
            department.remove_member(user)
        for department in wanted - current:
            department.add_member(user)

    @admin.action(description="重置双因素认证（下次登录须重新绑定）", permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):
        from szmz_security.accounts.services import reset_second_factor

        for user in queryset:
            reset_second_factor(user, request=request)
        self.message_user(request, f"已重置 {len(queryset)} 个用户的双因素认证。")

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("accounts.reset_second_factor")
