from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path("<str:number>/upload/", views.attachment_upload_view, name="upload"),
    path("<str:number>/<int:pk>/", views.attachment_download_view, name="download"),
]
