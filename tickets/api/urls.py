from django.urls import path

from tickets.engineering import api as engineering

from . import views, views_merge, views_ops

urlpatterns = [
    path("tickets/", views.TicketListCreateApi.as_view(), name="ticket-list"),
    path("tickets/<str:number>/", views.TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<str:number>/timeline/", views.TicketTimelineApi.as_view(), name="ticket-timeline"),
    path("tickets/<str:number>/preprocess/", views.TicketPreprocessApi.as_view(), name="ticket-preprocess"),
    path("tickets/<str:number>/dispatch/", views.TicketDispatchApi.as_view(), name="ticket-dispatch"),
    path("tickets/<str:number>/reassign/", views.TicketReassignApi.as_view(), name="ticket-reassign"),
    path("tickets/<str:number>/notes/", views.TicketNoteApi.as_view(), name="ticket-note"),
    path("tickets/<str:number>/cancel/", views_ops.TicketCancelApi.as_view(), name="ticket-cancel"),
    path("tickets/<str:number>/reopen/", views_ops.TicketReopenApi.as_view(), name="ticket-reopen"),
    path("tickets/<str:number>/merge/", views_merge.TicketMergeApi.as_view(), name="ticket-merge"),
    path("tickets/<str:number>/reply/", engineering.TicketReplyApi.as_view(), name="ticket-reply"),
    path("tickets/<str:number>/solution/", engineering.TicketSolutionApi.as_view(), name="ticket-solution"),
    path("tickets/<str:number>/wait/", engineering.TicketWaitApi.as_view(), name="ticket-wait"),
    path("tickets/<str:number>/resume/", engineering.TicketResumeApi.as_view(), name="ticket-resume"),
    path("tickets/<str:number>/hand-back/", engineering.TicketHandBackApi.as_view(), name="ticket-hand-back"),
]
