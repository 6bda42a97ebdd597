"""Browser and input (README "Browser and input"): headers on every response, templates without
inline code, the one safe-redirect rule, and the API schema closed to anonymous users in production.
The crawl test (test_crawl.py) checks the headers and the rendered HTML of every linked page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATE_FILES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html", "szmz_security/*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
# An executable <script> without src= (JSON data blocks are not run), an on…= handler attribute,
# a javascript: URL, a style attribute or a <style> element.
INLINE = re.compile(
    r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>|\son[a-z]+\s*=|hx-on|javascript:|\sstyle=|<style",
    re.IGNORECASE,
)


def test_no_template_carries_inline_script_handlers_or_style():
    assert len(TEMPLATE_FILES) > 50
    found = {
        str(path.relative_to(ROOT)): match.group(0)
        for path in TEMPLATE_FILES
        if (match := INLINE.search(path.read_text(encoding="utf-8")))
    }
    assert not found, found


@pytest.mark.parametrize("path", ["/login/", "/static/portal/portal.js", "/no-such-page/"])
def test_anonymous_responses_carry_the_browser_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_stored_but_static_files_keep_their_caching(client, staff, settings):
    # WhiteNoise serves from the app folders as in development (no collectstatic in the suite).
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(staff)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    static = client.get("/static/portal/portal.js")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


OFF_SITE = [
    "https://evil.example/",
    "//evil.example/x",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_notification_read_never_redirects_off_site(client, staff, target):
    client.force_login(staff)
    response = client.post(reverse("obligations:notification_read_all"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("obligations:notification_list")


def test_notification_read_follows_a_next_inside_the_portal(client, staff):
    client.force_login(staff)
    response = client.post(reverse("obligations:notification_read_all"), {"next": "/obligations/?page=2"})
    assert response["Location"] == "/obligations/?page=2"


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(client, staff, password, target):
    response = client.post(reverse("login"), {"username": "staff", "password": password, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


@override_settings(DEBUG=False)
def test_api_schema_and_docs_refuse_anonymous_users_in_production(client, staff):
    assert client.get(reverse("api:schema")).status_code == 401
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    client.force_login(staff)
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200


def test_api_docs_load_their_script_from_a_file(client, staff):
    client.force_login(staff)
    html = client.get(reverse("api:docs")).content.decode()
    assert not INLINE.search(html), INLINE.search(html)
    assert client.get(reverse("api:docs") + "?script=").status_code == 200


def test_api_answers_to_a_token_client_are_not_stored_either(client, staff):
    token = Token.objects.create(user=staff)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
