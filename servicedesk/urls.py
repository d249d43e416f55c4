from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health

admin.site.site_header = admin.site.site_title = _("After-sales service desk")
admin.site.index_title = _("Administration")

urlpatterns = [
    # Probes (core/health.py) and the favicon: no login, no language prefix.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", health.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("core.urls")),
    path("api/v1/", include("servicedesk.api_urls")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (CSP: no inline script); its own
    # <style> and style attributes need inline styles on this one page.
    path("api/docs/", login_not_required(csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema"))), name="api-docs"),
    path("fieldservice/", include("fieldservice.urls")),
    path("attachments/", include("attachments.urls")),
    path("callbacks/", include("callbacks.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("refunds/", include("refunds.urls")),
    path("progress/", include("progress.urls")),
    path("sla/", include("sla.urls")),
    path("warranty/", include("warranty.urls")),
    path("", include("tickets.urls")),
]

# Under /api/ every error answers problem+json, the unmatched URL and the bug included; pages get
# templates/400.html, 403.html, 404.html and 500.html in the product's layout.
handler400 = "core.api.bad_request_handler"
handler403 = "core.api.permission_denied_handler"
handler404 = "core.api.not_found_handler"
handler500 = "core.api.server_error_handler"
