from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("bell/", views.bell_view, name="bell"),
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/read/", views.notification_read_view, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read_view, name="notification-read"),
]
