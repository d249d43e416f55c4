from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_view, name="page"),
    path("export/<slug:kind>.csv", views.export_csv_view, name="export-csv"),
    path("exports/", views.export_start_view, name="export-start"),
    path("exports/<int:pk>/", views.export_status_view, name="export-status"),
    path("exports/<int:pk>/download/", views.export_download_view, name="export-download"),
]
