"""Response headers every page needs beyond Django's SecurityMiddleware and django-csp.

- `Cache-Control: no-store` on every answer to a signed-in user (pages, fragments, API, downloads) and on
  the public progress page: they show customers' names, phones and addresses, which must not stay in a
  shared browser's cache or a proxy. Static files (WhiteNoise answers before this runs) keep theirs.
- `Permissions-Policy`: the desk needs no camera, microphone, location or payment; a script that got in
  anyway cannot ask for them."""
from django.conf import settings
from django.utils.cache import add_never_cache_headers

NO_STORE_PREFIXES = ("/progress/",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF copies an API key's account here as well
        if (user is not None and user.is_authenticated) or request.path_info.startswith(NO_STORE_PREFIXES):
            add_never_cache_headers(response)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
