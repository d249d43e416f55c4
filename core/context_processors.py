from .roles import Role, user_roles


def roles(request):
    have = user_roles(getattr(request, "user", None))
    is_admin = Role.ADMIN in have
    return {
        "is_reception": is_admin or Role.RECEPTION in have,
        "is_engineer": is_admin or Role.ENGINEER in have,
        "is_manager": is_admin or Role.MANAGER in have,
        "is_partner": Role.PARTNER in have,
    }
