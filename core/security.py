"""Response headers every page needs beyond Django's SecurityMiddleware and django-csp.

- `Cache-Control: no-store` on every answer to a signed-in user (pages, fragments, API, downloads) and on
  the public progress page: they show customers' names, phones and addresses, which must not stay in a
  shared browser's cache or a proxy. Static files (WhiteNoise answers before this runs) keep theirs.
- `Permissions-Policy`: the desk needs no camera, microphone, location or payment; a script that got in
  anyway cannot ask for them."""
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
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


# What makes a response's policy its own (django-csp's decorators: the API docs page) — built by django-csp as ever.
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_UNSET = object()


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware, with the two header texts of the common case built once per configuration.

    django-csp builds both policies (dataclasses.asdict, the directives copied and joined) for every response:
    ~350 Python calls, 5 % of an API create (issue 16). A response without a policy of its own and a request that
    asked for no nonce — every page and API answer but the API docs — gets the same texts every time, so they are
    kept until the settings object changes (override_settings). Anything else goes through django-csp unchanged;
    the headers set are the same (tests/security/test_page_headers.py compares the two)."""

    _texts: tuple = (_UNSET, _UNSET, "", "")

    def _plain_texts(self) -> tuple[str, str]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        texts = CSPMiddleware._texts
        if texts[0] is not policy or texts[1] is not report_only:
            texts = CSPMiddleware._texts = (policy, report_only, build_policy(), build_policy(report_only=True))
        return texts[2], texts[3]

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _OWN_POLICY) or (
                response.status_code in (500, 404) and settings.DEBUG):
            return super().process_response(request, response)
        for header, text, exempt, setting in zip(
                (HEADER, HEADER_REPORT_ONLY), self._plain_texts(), ("_csp_exempt", "_csp_exempt_ro"),
                ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")):
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if (text and getattr(response, exempt, False) is False and header not in response
                    and not request.path_info.startswith(tuple(prefixes))):
                response[header] = text
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # as django-csp: too late for one
        return response
