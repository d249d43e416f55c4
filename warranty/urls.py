from django.urls import path

from . import views

app_name = "warranty"

urlpatterns = [
    path("preview/", views.warranty_preview_view, name="preview"),
    path("tickets/<str:number>/override/", views.warranty_override_view, name="override"),
]
