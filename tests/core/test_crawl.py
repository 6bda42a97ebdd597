"""Every page a user can reach from the navigation opens: log in on the demo data, follow each
internal link once, and expect no server error (and no refusal for an officer, who may see all).
Every page also carries the browser headers (README "Browser and input"): the CSP, no caching for
a signed-in user, and no inline script, event handler or style in what it renders."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')
# Not pages: leaving, the admin site, files and exports (tested in their apps), the API.
SKIP = re.compile(
    r"^/(logout|admin|api|static|healthz)/|export=|\.pdf|/download|/labels|/document|/attachments/\d"
)
MAX_PAGES = 400
# A <script> without src= that is not a JSON data block, an on…= handler, javascript: or style=.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>|\son[a-z]+=|javascript:|\sstyle=",
    re.IGNORECASE,
)


def header_faults(response):
    faults = []
    csp = response.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp or "unsafe-" in csp:
        faults.append(f"CSP: {csp!r}")
    for header in ("Permissions-Policy", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        if not response.get(header):
            faults.append(f"no {header}")
    if response.get("Cache-Control") != "no-store, private":
        faults.append(f"Cache-Control: {response.get('Cache-Control')!r}")
    return faults


def crawl(client, faults=None):
    seen_paths, queue, results = set(), ["/"], {}
    while queue and len(results) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        results[url] = response.status_code
        if faults is not None and (found := header_faults(response)):
            faults[url] = found
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if faults is not None and (inline := INLINE_CODE.search(html)):
            faults[url] = [f"inline code: {html[inline.start() : inline.start() + 80]!r}"]
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            path = urlsplit(link).path
            # One visit per path: the same list with other filters or pages adds nothing here.
            if SKIP.search(link) or path in seen_paths:
                continue
            seen_paths.add(path)
            queue.append(link)
    return results


@pytest.fixture
def demo(capsys):
    call_command("seed_demo")
    capsys.readouterr()


@pytest.mark.parametrize("username", ["officer", "staff.shjz", "head.ylfw", "secrecy", "inspector", "leader"])
def test_every_linked_page_opens(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    faults = {}
    results = crawl(client, faults)
    assert len(results) > 20, results
    assert not faults, faults
    errors = {url: status for url, status in results.items() if status >= 500}
    assert not errors, errors
    if username == "officer":
        refused = {url: status for url, status in results.items() if status in (403, 404)}
        assert not refused, refused
