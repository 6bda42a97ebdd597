"""The one place a redirect target is taken from the request (``next=`` and the like).

A target is followed only when it stays on this portal (``url_has_allowed_host_and_scheme``:
same host, and https when the request was https); anything else, ``https://evil.example/``,
``//evil.example`` or ``javascript:…``, falls back to the page's own default.
"""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default, field="next"):
    """The ``field`` parameter (POST, then GET) when it points into the portal, else ``default``
    (a URL, a URL name or a model, as for ``redirect``; "" lets the caller choose)."""
    candidate = request.POST.get(field) or request.GET.get(field) or ""
    if is_on_portal(request, candidate):
        return candidate
    return resolve_url(default) if default else ""


def is_on_portal(request, url):
    """Whether ``url`` (from a parameter or a header such as Referer) stays on this portal."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
