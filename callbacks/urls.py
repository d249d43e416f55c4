from django.urls import path

from . import views

app_name = "callbacks"

urlpatterns = [
    path("", views.callback_desk_view, name="desk"),
    path("flagged/", views.callback_flagged_view, name="flagged"),
    path("<int:pk>/record/", views.callback_record_view, name="record"),
    path("<int:pk>/acknowledge/", views.callback_acknowledge_view, name="acknowledge"),
    path("complaints/<str:number>/promise/", views.complaint_promise_view, name="complaint-promise"),
]
