from django.urls import path

from . import views, views_ops
from . import views_panels
from . import views_bulk, views_merge
from . import views_customers
from .engineering import views as engineering_views

app_name = "tickets"

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/", views.ticket_list_view, name="list"),
    path("tickets/new/", views.ticket_new_view, name="new"),
    path("tickets/mine/", views.my_tickets_view, name="mine"),
    path("tickets/customer-lookup/", views.customer_lookup_view, name="customer-lookup"),
    path("customers/<int:pk>/", views_customers.customer_detail_view, name="customer"),
    path("tickets/bulk/", views_bulk.ticket_bulk_view, name="bulk"),  # before the detail route ("bulk" is no number)
    path("tickets/<str:number>/", views.ticket_detail_view, name="detail"),
    path("tickets/<str:number>/merge/", views_merge.ticket_merge_view, name="merge"),
    # Before the generic step route, which would take "cancel" for an action name.
    path("tickets/<str:number>/edit/", views_ops.ticket_edit_view, name="edit"),
    path("tickets/<str:number>/cancel/", views_ops.ticket_cancel_view, name="cancel"),
    path("tickets/<str:number>/reopen/", views_ops.ticket_reopen_view, name="reopen"),
    path("tickets/<str:number>/panel/<slug:action>/", views_panels.ticket_panel_view, name="panel"),
    path("tickets/<str:number>/<slug:action>/", views.ticket_action_view, name="action"),
    path("tickets/<str:number>/engineer/<slug:action>/", engineering_views.engineer_action_view,
         name="engineer-action"),
]
