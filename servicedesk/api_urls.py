"""/api/v1/: every app contributes its own urls module; DRF authenticates inside the views."""
from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("tickets.api.urls")),
]
