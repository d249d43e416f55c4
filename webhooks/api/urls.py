from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/endpoints/", views.WebhookEndpointListCreateApi.as_view(), name="webhook-endpoint-list"),
    path("webhooks/endpoints/<int:pk>/", views.WebhookEndpointDetailApi.as_view(), name="webhook-endpoint-detail"),
    path("webhooks/endpoints/<int:pk>/rotate-secret/", views.WebhookEndpointRotateSecretApi.as_view(),
         name="webhook-endpoint-rotate-secret"),
    path("webhooks/deliveries/", views.WebhookDeliveryListApi.as_view(), name="webhook-delivery-list"),
    path("webhooks/deliveries/<uuid:uid>/", views.WebhookDeliveryDetailApi.as_view(), name="webhook-delivery-detail"),
    path("webhooks/deliveries/<uuid:uid>/redeliver/", views.WebhookDeliveryRedeliverApi.as_view(),
         name="webhook-delivery-redeliver"),
]
