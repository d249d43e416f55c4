from django.urls import path

from . import views

app_name = "refunds"

urlpatterns = [path("<int:pk>/paid/", views.refund_paid_view, name="paid")]
