from django.urls import path

from . import views

urlpatterns = [
    path("callbacks/", views.CallbackDueListApi.as_view(), name="callback-list"),
    path("callbacks/<int:pk>/", views.CallbackDetailApi.as_view(), name="callback-detail"),
    path("callbacks/<int:pk>/attempts/", views.CallbackAttemptsApi.as_view(), name="callback-attempts"),
    path("tickets/<str:number>/callback/", views.TicketCallbackApi.as_view(), name="ticket-callback"),
]
