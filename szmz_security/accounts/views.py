"""Second factor (enrol, verify, backup codes), the user's security page and API token, and the
administrators' reset. The gate that sends users here is ``middleware.SecondFactorMiddleware``."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image
from rest_framework.authtoken.models import Token

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.redirects import safe_next_url
from szmz_security.org.roles import requires_second_factor

from . import services
from .forms import CodeForm, EnrolForm, UserSearchForm

BACKUP_CODES_SESSION_KEY = "accounts_backup_codes"
User = get_user_model()


def next_url(request):
    return safe_next_url(request, settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def otp_verify(request):
    user = request.user
    if not services.needs_code(user):
        return redirect(next_url(request))
    if not services.has_second_factor(user):
        return redirect(f"{resolve_url('accounts:otp_enrol')}?{urlencode({'next': next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.throttled_for(user)
        if wait:
            form.add_error("token", f"错误次数过多，请 {wait} 秒后再试。")
        elif services.verify_code(request, form.cleaned_data["token"]):
            return redirect(next_url(request))
        else:
            form.add_error("token", "动态口令不正确或已用过，请重新输入。")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url(request)})


@never_cache
@login_required
def otp_enrol(request):
    user = request.user
    if services.has_second_factor(user):
        messages.info(request, "您已启用双因素认证；如需更换手机，请联系系统管理员重置。")
        return redirect("accounts:security")
    device = services.pending_totp(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_enrolment(request, device, "".join(form.cleaned_data["token"].split()))
        if codes is not None:
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            messages.success(request, "双因素认证已启用。")
            return redirect(
                f"{resolve_url('accounts:backup_codes')}?{urlencode({'next': next_url(request)})}"
            )
        form.add_error("token", "动态口令不正确，请确认手机时间准确后重新输入。")
    context = {
        "form": form,
        "manual_key": services.manual_key(device),
        "required": requires_second_factor(user),
        "next": next_url(request),
    }
    return render(request, "accounts/otp_enrol.html", context)


@never_cache
@login_required
def otp_qr(request):
    """The pending device's key as a QR code, drawn here (SVG): no image service, no internet."""
    if services.has_second_factor(request.user):
        raise Http404  # a confirmed key is never shown again
    response = HttpResponse(content_type="image/svg+xml")
    write_qrcode_image(services.pending_totp(request.user).config_url, response)
    return response


@never_cache
@login_required
def backup_codes(request):
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect("accounts:otp_verify")
        request.session[BACKUP_CODES_SESSION_KEY] = services.new_backup_codes(request.user)
        return redirect("accounts:backup_codes")
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, "备用验证码只显示一次；如已遗失，可在此重新生成（旧的随即作废）。")
        return redirect("accounts:security")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url(request)})


@never_cache
@login_required
def security(request):
    user = request.user
    context = {
        "enrolled": services.has_second_factor(user),
        "required": requires_second_factor(user),
        "verified": user.is_verified(),
        "backup_codes_left": services.remaining_backup_codes(user),
        "password_changed_at": services.password_changed_at(user),
        "password_max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        "token": Token.objects.filter(user=user).first(),
    }
    return render(request, "accounts/security.html", context)


@never_cache
@login_required
def api_token(request):
    """我的 API 令牌: created only in a session verified with a second factor."""
    user = request.user
    key = None
    if request.method == "POST":
        if not user.is_verified():
            messages.error(request, "创建 API 令牌需要先启用并通过双因素认证（动态口令）。")
            return redirect(
                "accounts:otp_enrol" if not services.has_second_factor(user) else "accounts:otp_verify"
            )
        Token.objects.filter(user=user).delete()
        key = Token.objects.create(user=user).key
        record(AuditEvent.Kind.TOKEN_CREATED, request=request)
    token = Token.objects.filter(user=user).first()
    return render(request, "accounts/api_token.html", {"token": token, "key": key})


@never_cache
@login_required
@permission_required("accounts.reset_second_factor", raise_exception=True)
def otp_admin(request):
    """Who has enrolled, for the administrators who reset a lost phone."""
    form = UserSearchForm(request.GET or None)
    users = (
        User.objects.filter(is_active=True)
        .annotate(enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .select_related("profile")
        .prefetch_related("groups")
        .order_by("username")
    )
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        users = users.filter(Q(username__icontains=q) | Q(profile__full_name__icontains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for user in page:
        user.requires_second_factor = requires_second_factor(user)
    return render(request, "accounts/otp_admin.html", {"form": form, "page_obj": page})


@require_POST
@login_required
@permission_required("accounts.reset_second_factor", raise_exception=True)
def otp_reset(request, pk):
    target = get_object_or_404(User, pk=pk)
    services.reset_second_factor(target, request=request)
    messages.success(request, f"已重置 {target.get_username()} 的双因素认证；其下次登录时须重新绑定。")
    return redirect("accounts:otp_admin")
