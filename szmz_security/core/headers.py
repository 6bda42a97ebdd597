"""Browser headers the CSP middleware and Django's SecurityMiddleware do not send.

Both run on every response; the order in settings.MIDDLEWARE matters (see the comments there).
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Switches off the browser features the portal never uses (camera, microphone, location …)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in user sees stays in the browser's or a proxy's cache (a shared office PC).

    Sits after AuthenticationMiddleware. Static files keep their long-lived caching: WhiteNoise
    answers them before this runs, and any other static handler is left alone too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            # Replaces any max-age a view set: no-store wins anyway, but say one thing.
            response.headers.pop("Expires", None)
            response["Cache-Control"] = "no-store, private"
        return response
