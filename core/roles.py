"""Roles are Groups (made by a data migration); code asks `user_has_role`, never groups inline."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    ENGINEER = "engineer", _("Engineer")
    MANAGER = "manager", _("Manager")
    PARTNER = "partner", _("Partner")
    ADMIN = "admin", _("Administrator")


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_servicedesk_roles", None)
    if cached is None:
        # One query per request at most: every permission check after this one is free.
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._servicedesk_roles = cached
    return cached


def user_roles_preload(user, group_names) -> None:
    """Roles read with the user (core.auth.DeskBackend.get_user, one query for both): user_roles asks no more."""
    roles = frozenset(name for name in group_names if name is not None)
    user._servicedesk_roles = roles | {Role.ADMIN} if user.is_superuser else roles


def user_has_role(user, *roles: str) -> bool:
    have = user_roles(user)
    return Role.ADMIN in have or any(role in have for role in roles)


def user_is_staff_desk(user) -> bool:
    """Reception, engineers and managers: the people who work tickets in the browser."""
    return user_has_role(user, Role.RECEPTION, Role.ENGINEER, Role.MANAGER)
