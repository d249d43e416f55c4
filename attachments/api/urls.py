from django.urls import path

from . import views

urlpatterns = [
    path("tickets/<str:number>/attachments/", views.TicketAttachmentListCreateApi.as_view(),
         name="ticket-attachment-list"),
    path("tickets/<str:number>/attachments/<int:pk>/download/", views.TicketAttachmentDownloadApi.as_view(),
         name="ticket-attachment-download"),
]
