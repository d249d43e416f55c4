"""Who may hold a partner API key, and who may issue one.

A key acts as its partner's service account: every role check the account passes, the key passes.
So the account must be a dedicated one — in the partner role and nothing else, no staff flag, no
superuser — or a key turns into a back door to whatever rights the account has (the escalation of
issue 13: a partner whose account was the admin user). The same rule is checked when a partner is
saved, when a key is issued and on every API request, so a role granted later also shuts the key out."""
from django.utils.translation import gettext_lazy as _

from core.roles import Role, user_roles


def partner_account_problems(account) -> list:
    """Why `account` may not be a partner's service account (lazy messages); empty when it may."""
    if account is None:
        return [_("The partner has no service account: create a user in the partner role first.")]
    problems = []
    if account.is_superuser:
        problems.append(_("A superuser cannot be a partner's service account."))
    if account.is_staff:
        problems.append(_("A staff account cannot be a partner's service account."))
    roles = set(user_roles(account)) - {Role.ADMIN}  # ADMIN is implied by is_superuser, reported above
    if Role.PARTNER not in roles:
        problems.append(_("The service account must be in the partner role."))
    if roles - {Role.PARTNER}:
        problems.append(_("The service account must have no role other than partner."))
    return problems


def is_dedicated_partner_account(account) -> bool:
    return not partner_account_problems(account)


def is_partner_account(user) -> bool:
    """A partner system's account: it signs in with API keys only, never with a password on the pages.
    The role is the test (a partner's account must hold it, see above); it costs no query beyond the
    role lookup every page makes anyway."""
    return Role.PARTNER in user_roles(user)


def may_issue_keys(user) -> bool:
    """Only administrators issue keys: a key is a credential, and whoever issues one could act through it."""
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active)
