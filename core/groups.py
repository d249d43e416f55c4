"""Role groups and the admin permissions each role gets. Re-synced after every migrate, so a new
policy model becomes editable by managers without a hand-written data migration."""
from django.contrib.auth.models import Group, Permission

from .roles import Role

# app labels whose every model a manager may edit in the admin (policy is data).
MANAGER_ADMIN_APPS = ("warranty", "sla", "callbacks", "partners", "dashboard", "fieldservice")
# models every desk role may at least view in the admin.
DESK_VIEW_MODELS = ("ticket", "customer", "device")


def sync_role_groups(sender=None, **kwargs) -> None:
    # Runs for every app's post_migrate: permissions of later apps only exist after theirs.
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    manager_perms = Permission.objects.filter(content_type__app_label__in=MANAGER_ADMIN_APPS)
    view_perms = Permission.objects.filter(
        content_type__app_label="tickets", codename__in=[f"view_{m}" for m in DESK_VIEW_MODELS]
    )
    groups[Role.MANAGER].permissions.add(*manager_perms, *view_perms)
    groups[Role.ADMIN].permissions.set(Permission.objects.all())
