from django.urls import path

from .views import ReportsDashboardApi

urlpatterns = [path("reports/dashboard/", ReportsDashboardApi.as_view(), name="reports-dashboard")]
