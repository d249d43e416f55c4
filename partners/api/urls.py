from django.urls import path

from . import views

urlpatterns = [
    path("tickets/<str:number>/confirmation/", views.TicketConfirmationApi.as_view(), name="ticket-confirmation"),
]
