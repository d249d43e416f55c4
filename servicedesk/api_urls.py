"""/api/v1/: every app contributes its own urls module; DRF authenticates inside the views."""
from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("tickets.api.urls")),
    path("", include("warranty.api.urls")),
    path("", include("callbacks.api.urls")),
    path("", include("fieldservice.api.urls")),
    path("", include("partners.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("attachments.api.urls")),
    path("", include("dashboard.api.urls")),
]
