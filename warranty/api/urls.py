from django.urls import path

from . import views

urlpatterns = [
    path("warranty/evaluate/", views.WarrantyEvaluateApi.as_view(), name="warranty-evaluate"),
]
