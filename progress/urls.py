from django.urls import path

from . import views, views_desk

app_name = "progress"

urlpatterns = [
    path("", views.progress_view, name="lookup"),
    # The desk's messages to the customer (the ticket page's panel): behind the log-in, desk roles.
    path("desk/<str:number>/message/preview/", views_desk.message_preview_view, name="message-preview"),
    path("desk/<str:number>/message/send/", views_desk.message_send_view, name="message-send"),
    path("desk/<str:number>/message/status/", views_desk.message_status_view, name="message-status"),
]
