"""Session policy, after authentication (settings "Sign-in and sessions"): the idle timeout, the
second-factor gate and the password's maximum age. Each lets through the pages a user needs to
satisfy it (and log out); an API request gets a 403 with the reason instead of a redirect."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse

from . import services

LAST_ACTIVITY_KEY = "accounts_last_activity"
# Writing the session on every request is not needed for a timeout counted in minutes.
ACTIVITY_RESOLUTION_SECONDS = 60

SIGN_IN_VIEWS = {
    "logout",
    "admin:logout",
    "healthz",
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:otp_qr",
    "accounts:backup_codes",
}
PASSWORD_VIEWS = SIGN_IN_VIEWS | {"password_change", "password_change_done"}


def redirect_with_next(request, url):
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        # htmx would swap the target page into a fragment; have it navigate instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def is_api(request):
    match = request.resolver_match
    return match is not None and "api" in match.namespaces


def stamp_activity(sender, request, user, **kwargs):
    """Signing in is activity: the first request after it then writes no session (so every
    request of a page costs the same queries)."""
    if hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(
                        request, f"超过 {settings.SESSION_IDLE_MINUTES} 分钟未操作，已自动退出，请重新登录。"
                    )
                    return redirect_with_next(request, resolve_url(settings.LOGIN_URL))
            elif last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until the session is verified with a code, a user who needs one (privileged role, or
    enrolled voluntarily) reaches only the code, enrolment and log-out pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in SIGN_IN_VIEWS or not services.needs_code(request.user):
            return None
        if is_api(request):
            return JsonResponse({"detail": "请先在门户完成双因素认证（动态口令）。"}, status=403)
        if services.has_second_factor(request.user):
            return redirect_with_next(request, reverse("accounts:otp_verify"))
        return redirect_with_next(request, reverse("accounts:otp_enrol"))


class PasswordAgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            not request.user.is_authenticated
            or request.resolver_match.view_name in PASSWORD_VIEWS
            or not services.password_expired(request.user)
        ):
            return None
        if is_api(request):
            return JsonResponse({"detail": "密码已过期，请先在门户修改密码。"}, status=403)
        messages.warning(
            request, f"您的密码已使用超过 {settings.PASSWORD_MAX_AGE_DAYS} 天，请先修改密码再继续操作。"
        )
        return HttpResponseRedirect(reverse("password_change"))
