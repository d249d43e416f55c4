"""Reads on webhooks, always scoped first: a partner sees its own endpoints and deliveries only;
an administrator sees all; everyone else nothing (another partner's object is a 404, never a 403)."""
from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from core.roles import Role, user_has_role, user_roles

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def partner_of(user):
    """The partner a user acts for (its service account), or None."""
    if not user_has_role(user, Role.PARTNER):
        return None
    return getattr(user, "partner", None)


def _is_admin(user) -> bool:
    return Role.ADMIN in user_roles(user)


def webhook_endpoints_visible_to(*, user) -> QuerySet[WebhookEndpoint]:
    if (partner := partner_of(user)) is not None:
        return WebhookEndpoint.objects.filter(partner=partner)
    if _is_admin(user):
        return WebhookEndpoint.objects.all()
    return WebhookEndpoint.objects.none()


def webhook_deliveries_visible_to(*, user) -> QuerySet[WebhookDelivery]:
    if (partner := partner_of(user)) is not None:
        return WebhookDelivery.objects.filter(endpoint__partner=partner)
    if _is_admin(user):
        return WebhookDelivery.objects.all()
    return WebhookDelivery.objects.none()


def webhook_endpoint_get_for_user(*, user, pk: int) -> WebhookEndpoint:
    return get_object_or_404(webhook_endpoints_visible_to(user=user), pk=pk)


def _with_attempts(qs: QuerySet[WebhookDelivery]) -> QuerySet[WebhookDelivery]:
    return qs.select_related("endpoint", "ticket").prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "id"))
    )


def webhook_delivery_get_for_user(*, user, uid) -> WebhookDelivery:
    return get_object_or_404(_with_attempts(webhook_deliveries_visible_to(user=user)), uid=uid)


def webhook_delivery_list(*, user, filters: Mapping[str, Any]) -> QuerySet[WebhookDelivery]:
    qs = webhook_deliveries_visible_to(user=user)
    if state := filters.get("state"):
        qs = qs.filter(state=state)
    if event := filters.get("event"):
        qs = qs.filter(event=event)
    if endpoint := filters.get("endpoint"):
        qs = qs.filter(endpoint_id=endpoint)
    if ticket := filters.get("ticket"):
        qs = qs.filter(ticket__number=ticket)
    return _with_attempts(qs)
