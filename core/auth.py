"""Page log-in: who may have a session, the log-in form, and what a locked-out caller sees.

Partner systems sign in with API keys only (partners/accounts.py): a password session would bypass the
key's scopes, rate limit and revocation. So the backend refuses partner accounts both when they log in
and when an old session of theirs comes back (ModelBackend.get_user asks user_can_authenticate too)."""
import ipaddress

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .ratelimit import client_ip
from .roles import Role, user_roles, user_roles_preload
from .sql import prepared_cursor
from .usercache import session_user_rows


def is_partner_account(user) -> bool:
    # The same test as partners.accounts.is_partner_account; core imports nothing above it.
    return Role.PARTNER in user_roles(user)


class DeskBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not is_partner_account(user)

    def get_user(self, user_id):
        """The session's user and their roles in one query (a LEFT JOIN to the groups, one row per group) instead
        of two: every page and session API request pays it."""
        User = get_user_model()
        names = [f.attname for f in User._meta.concrete_fields]
        manager = User._default_manager
        try:  # remembered per process under a shared token (core/usercache.py): no query on most requests
            rows = session_user_rows(user_id, lambda uid: _user_rows(User, names, uid))
        except (TypeError, ValueError):  # a session from another user model's key type
            return None
        if not rows:
            return None
        user = User.from_db(manager.db, names, rows[0][:-1])
        user_roles_preload(user, [row[-1] for row in rows])
        return user if self.user_can_authenticate(user) else None


# The session user's statement, compiled once per database: building it with the ORM was ~800 Python calls of
# every session request (a quarter of an API create's own work, issue 16). Its one parameter is the user's id.
# Only where the backend converts none of the row's values (PostgreSQL); elsewhere the ORM reads it as before.
_USER_SQL: dict[str, str | None] = {}


def _user_query(User, names, user_id):
    return User._default_manager.filter(pk=user_id).values_list(*names, "groups__name")


def _user_rows(User, names, user_id) -> list[tuple]:
    vendor = connection.vendor
    if vendor not in _USER_SQL:
        compiler = _user_query(User, names, 0).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        plain = params == (0,) and not compiler.get_converters([col for col, _alias, _ in compiler.select])
        _USER_SQL[vendor] = sql if plain else None
    sql = _USER_SQL[vendor]
    if sql is None:
        return list(_user_query(User, names, user_id))
    pk = User._meta.pk
    value = pk.get_prep_value(user_id)  # TypeError / ValueError for a key of another type, as the ORM's lookup
    low, high = connection.ops.integer_field_range(pk.get_internal_type())
    if not (low is None or low <= value) or not (high is None or value <= high):
        return []  # no such row (the ORM answers an out-of-range id with an empty result too)
    with prepared_cursor() as cursor:  # planned once per connection
        cursor.execute(sql, [value])
        return cursor.fetchall()


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "partner_account": _("This is a partner system's account: it uses the API with an API key and cannot "
                             "log in to the pages."),
    }

    def get_invalid_login_error(self):
        # Said only after the right password: to anyone else a partner's user name looks like any other.
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if getattr(self.request, "axes_locked_out", False):  # locked: no password is checked at all
            return super().get_invalid_login_error()
        user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is not None and password and is_partner_account(user) and user.check_password(password):
            return forms.ValidationError(self.error_messages["partner_account"], code="partner_account")
        return super().get_invalid_login_error()


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer once a user name or an address has too many failures: the log-in page again,
    with the reason and how long it lasts (429, so scripts see it too)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    message = _("Too many failed log-ins: this account or your address is locked for %(minutes)d minutes. "
                "Try again later, or ask an administrator to unlock it.") % {"minutes": minutes}
    form = LoginForm(request, data=None)
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    return render(request, "core/login.html", context, status=429)



def login_client_ip(request) -> str | None:
    """The address django-axes counts failures for: the same one the rate limits see (TRUSTED_PROXY_HOPS
    decides whose X-Forwarded-For entry to believe), or None when there is no valid one (a test's
    force_login has none): axes stores it in an IP column, and garbage there would be a 500."""
    ip = client_ip(request)
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None
