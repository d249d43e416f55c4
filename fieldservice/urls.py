from django.urls import path

from . import views

app_name = "fieldservice"

urlpatterns = [
    path("visits/", views.my_visits_view, name="mine"),
    path("visits/new/<str:ticket_number>/", views.work_order_create_view, name="create"),
    path("work-orders/<str:number>/", views.work_order_detail_view, name="detail"),
    path("work-orders/<str:number>/print/", views.work_order_print_view, name="print"),
    path("work-orders/<str:number>/<slug:step>/", views.work_order_step_view, name="step"),
]
