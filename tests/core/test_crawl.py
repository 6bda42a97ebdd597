"""Every page a user can reach from the navigation opens: log in on the demo data, follow each
internal link once, and expect no server error (and no refusal for an officer, who may see all)."""

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


def crawl(client):
    seen_paths, queue, results = set(), ["/"], {}
    while queue and len(results) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        results[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
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
    results = crawl(client)
    assert len(results) > 20, results
    errors = {url: status for url, status in results.items() if status >= 500}
    assert not errors, errors
    if username == "officer":
        refused = {url: status for url, status in results.items() if status in (403, 404)}
        assert not refused, refused
