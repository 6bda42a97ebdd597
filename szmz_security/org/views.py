"""The department directory, the sharing screen of every department-owned record, and the security
administrator's role assignment pages (#13, #21)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from szmz_security.core.forms import BootstrapFormMixin, add_service_errors
from szmz_security.core.registry import register_model

from . import sharing
from .access import DepartmentScopedModel, can_read_content
from .models import DEPARTMENT_GROUP_PREFIX, Department
from .role_assignment import ASSIGN_ROLES_PERMISSION, assign_roles, may_assign_roles
from .roles import ROLES, user_role_codes

User = get_user_model()


class DepartmentTable(tables.Table):
    class Meta:
        model = Department
        fields = ("code", "name", "kind", "parent", "is_active")
        attrs = {"class": "table table-hover align-middle"}


class DepartmentFilterSet(django_filters.FilterSet):
    class Meta:
        model = Department
        fields = ["kind", "is_active"]


# The directory every signed-in user may read (as /api/departments/); administrators change it in
# the admin. The role pages below are pages of accounts (auth.User), not of a declared model.
register_model(
    Department,
    path="departments",
    table=DepartmentTable,
    filterset=DepartmentFilterSet,
    related=("parent",),
    title="部门",
    actions=("list",),
)


def scoped_model(label):
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not issubclass(model, DepartmentScopedModel):
        raise Http404
    return model


class GrantForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label="人员（用户名）", required=False, max_length=150)
    department = forms.ModelChoiceField(
        label="或部门", queryset=Department.objects.filter(is_active=True), required=False
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise forms.ValidationError(f"找不到用户名为“{username}”的人员。") from None

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("username")) == bool(data.get("department")):
            raise forms.ValidationError("请填写一名人员或选择一个部门（二选一）。")
        return data


class SharingView(LoginRequiredMixin, TemplateView):
    """共享与授权: who can see the record and why; grant and revoke for those who may.

    Open to who may share it (even without reading it: the 安全管理员) and to who reads its
    content; anyone else who sees it gets 403, anyone who does not 404."""

    template_name = "org/sharing.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.model = scoped_model(kwargs["model"])
        self.object = get_object_or_404(
            self.model._default_manager.select_related("department"), pk=kwargs["pk"]
        )
        self.may_share = sharing.may_share(request.user, self.object)
        self.may_mark = sharing.may_mark(request.user, self.object)
        self.content_visible = can_read_content(request.user, self.object)
        if not (self.may_share or self.may_mark or self.content_visible):
            if not self.model.objects.visible_to(request.user).filter(pk=self.object.pk).exists():
                raise Http404
            raise PermissionDenied("您没有权限查看该记录的授权情况。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            model_meta=self.model._meta,
            # Who only manages the grants sees the record's number, not its title.
            object_label=str(self.object) if self.content_visible else f"#{self.object.pk}",
            content_visible=self.content_visible,
            may_share=self.may_share,
            may_mark=self.may_mark,
            rows=sharing.who_can_see(self.object),
            grants=sharing.grants_of(self.object) if self.may_share else [],
            form=form or GrantForm(),
            tab="sharing",
            detail_url=self.object.get_absolute_url() if hasattr(self.object, "get_absolute_url") else None,
        )
        return context

    def post(self, request, *args, **kwargs):
        if "need_to_know" in request.POST:
            try:
                sharing.mark_need_to_know(
                    request.user, self.object, request.POST["need_to_know"] == "1", request=request
                )
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, "已更新知悉范围标记。")
            return HttpResponseRedirect(request.path)
        if not self.may_share:
            raise PermissionDenied("您没有权限为该记录授权。")
        if "revoke" in request.POST:
            kind, _, pk = request.POST["revoke"].partition(":")
            grantee = (
                Department.objects.filter(pk=pk).first()
                if kind == "department"
                else User.objects.filter(pk=pk).first()
            )
            if grantee is None or not pk.isdigit():
                raise Http404
            try:
                sharing.unshare(request.user, self.object, grantee, request=request)
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, "已撤销授权。")
            return HttpResponseRedirect(request.path)
        form = GrantForm(request.POST)
        if form.is_valid():
            grantee = form.cleaned_data["username"] or form.cleaned_data["department"]
            try:
                sharing.share(request.user, self.object, grantee, request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已授权。")
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RecordLookupForm(BootstrapFormMixin, forms.Form):
    model = forms.ChoiceField(label="记录类型")
    pk = forms.IntegerField(label="记录编号", min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = sorted(
            (model._meta.label_lower, model._meta.verbose_name)
            for model in apps.get_models()
            if issubclass(model, DepartmentScopedModel)
        )


class RoleRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(ASSIGN_ROLES_PERMISSION):
            raise PermissionDenied("只有安全管理员可以分配角色。")
        return super().dispatch(request, *args, **kwargs)


class RoleListView(RoleRequiredMixin, TemplateView):
    """角色分配: every account with its roles; and the sharing screen of any record by number."""

    template_name = "org/role_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        users = User.objects.order_by("username").select_related("profile")
        if query:
            users = users.filter(Q(username__icontains=query) | Q(profile__full_name__icontains=query))
        page = Paginator(
            users.prefetch_related(Prefetch("groups", queryset=self._role_groups())), self.paginate_by
        ).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            rows=[(user, user_role_codes(user)) for user in page],
            roles=ROLES,
            query=query,
            lookup_form=RecordLookupForm(self.request.GET)
            if "pk" in self.request.GET
            else RecordLookupForm(),
        )
        return context

    def _role_groups(self):
        return Group.objects.exclude(name__startswith=DEPARTMENT_GROUP_PREFIX)

    def get(self, request, *args, **kwargs):
        form = RecordLookupForm(request.GET) if "pk" in request.GET else None
        if form is not None and form.is_valid():
            return redirect("org:sharing", form.cleaned_data["model"], form.cleaned_data["pk"])
        return super().get(request, *args, **kwargs)


class RolesForm(BootstrapFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色",
        required=False,
        choices=[(role.code, role.name) for role in ROLES],
        widget=forms.CheckboxSelectMultiple,
    )


class RoleEditView(RoleRequiredMixin, TemplateView):
    template_name = "org/role_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.account = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            account=self.account,
            form=form or RolesForm(initial={"roles": user_role_codes(self.account)}),
            own=not may_assign_roles(self.request.user, self.account),
            roles=ROLES,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RolesForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if assign_roles(request.user, self.account, form.cleaned_data["roles"], request=request):
            messages.success(request, f"已更新 {self.account.get_username()} 的角色。")
        return redirect(reverse("org:role_list"))
