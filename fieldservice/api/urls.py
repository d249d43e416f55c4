from django.urls import path

from . import views as v

WO = "work-orders/<str:number>/"

urlpatterns = [
    path("tickets/<str:number>/work-orders/", v.TicketWorkOrdersApi.as_view(), name="ticket-work-orders"),
    path("work-orders/", v.WorkOrderListApi.as_view(), name="work-order-list"),
    path(WO, v.WorkOrderDetailApi.as_view(), name="work-order-detail"),
    path(WO + "reschedule/", v.WorkOrderRescheduleApi.as_view(), name="work-order-reschedule"),
    path(WO + "depart/", v.WorkOrderDepartApi.as_view(), name="work-order-depart"),
    path(WO + "arrive/", v.WorkOrderArriveApi.as_view(), name="work-order-arrive"),
    path(WO + "inspect/", v.WorkOrderInspectApi.as_view(), name="work-order-inspect"),
    path(WO + "parts/", v.WorkOrderAddPartApi.as_view(), name="work-order-parts"),
    path(WO + "parts/<int:part_id>/", v.WorkOrderPartRemoveApi.as_view(), name="work-order-part"),
    path(WO + "quote/", v.WorkOrderQuoteApi.as_view(), name="work-order-quote"),
    path(WO + "approve-fee/", v.WorkOrderApproveFeeApi.as_view(), name="work-order-approve-fee"),
    path(WO + "complete/", v.WorkOrderCompleteApi.as_view(), name="work-order-complete"),
    path(WO + "payment/", v.WorkOrderPaymentApi.as_view(), name="work-order-payment"),
    path(WO + "confirm/", v.WorkOrderConfirmApi.as_view(), name="work-order-confirm"),
    path(WO + "cancel/", v.WorkOrderCancelApi.as_view(), name="work-order-cancel"),
]
