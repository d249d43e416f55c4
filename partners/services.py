"""Writes of the partners app: API keys (issue, revoke, rotate) and a partner's confirmation of a solution."""
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_transition
from tickets.timeline import timeline_record

from .accounts import may_issue_keys, partner_account_problems
from .authentication import api_key_cache_invalidate_on_commit
from .keys import key_generate, key_hash
from .models import ApiScope, Partner, PartnerApiKey

CONFIRMATION_ACTION = "partner_confirmation"


def api_key_assign_secret(*, key: PartnerApiKey) -> str:
    """Give an unsaved key its prefix and hash; return the full key (the only time it exists)."""
    prefix, raw = key_generate()
    key.prefix, key.secret_hash = prefix, key_hash(raw)
    return raw


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ApplicationError(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}, code="bad_scope", field="scopes",
            status=400,
        )
    return [scope for scope in ApiScope.values if scope in set(scopes)]


def api_key_check_issue(*, partner: Partner, created_by=None) -> None:
    """Refuses a key the issue-13 escalation would need: an issuer who is not an administrator, or a
    partner whose account is not a dedicated partner account. `created_by=None` is the shell or a
    management command, where whoever runs it already controls the server."""
    if created_by is not None and not may_issue_keys(created_by):
        raise ApplicationError(_("Only administrators may issue API keys."), code="not_admin", status=403)
    if problems := partner_account_problems(partner.account):
        message = format_lazy(" ".join(["{}"] * len(problems)), *problems)  # lazy: each reader's language
        raise ApplicationError(message, code="account_not_dedicated", field="partner", status=400)


def partner_account_lock_password(*, account) -> None:
    """A partner's account signs in with keys only: no password, so no session can bypass a key's
    scopes, rate limit or revocation (the login refuses partner accounts as well)."""
    if account is not None and account.has_usable_password():
        account.set_unusable_password()
        account.save(update_fields=["password"])


@transaction.atomic
def api_key_create(
    *, partner: Partner, name: str, scopes: Iterable[str] | None = None, rate_limit_per_minute: int = 120,
    created_by=None,
) -> tuple[PartnerApiKey, str]:
    api_key_check_issue(partner=partner, created_by=created_by)
    partner_account_lock_password(account=partner.account)
    key = PartnerApiKey(
        partner=partner, name=name, created_by=created_by, rate_limit_per_minute=rate_limit_per_minute,
        scopes=_clean_scopes(scopes) if scopes is not None else [ApiScope.TICKETS_CREATE, ApiScope.TICKETS_READ,
                                                                  ApiScope.TICKETS_UPDATE],
    )
    raw = api_key_assign_secret(key=key)
    key.save()
    return key, raw


def api_key_revoke(*, key: PartnerApiKey) -> bool:
    """Revoke now. The next request with the key is refused: a QuerySet.update sends no signal, so the
    verified keys every process remembers are forgotten here (partners/authentication.py)."""
    revoked = PartnerApiKey.objects.filter(pk=key.pk, revoked_at=None).update(revoked_at=timezone.now()) == 1
    api_key_cache_invalidate_on_commit()
    return revoked


@transaction.atomic
def api_key_rotate(*, key: PartnerApiKey, created_by=None) -> tuple[PartnerApiKey, str]:
    """A new key with the same partner, name, scopes and limit; the old one is revoked in the same step."""
    if not api_key_revoke(key=key):
        raise ApplicationError(_("This key is already revoked."), code="key_revoked")
    return api_key_create(
        partner=key.partner, name=key.name, scopes=key.scopes, rate_limit_per_minute=key.rate_limit_per_minute,
        created_by=created_by,
    )


@transaction.atomic
def ticket_partner_confirm(*, ticket: Ticket, actor, accepted: bool, comment: str = "") -> Ticket:
    """The partner confirms or disputes the recorded solution of its own ticket.

    Recorded as a `partner_confirmation` timeline event. A dispute is the partner's 回访不合格:
    the ticket moves with the table's `callback_failed` action (SOLVED → REOPENED), exactly as a
    failed customer callback would, so SLA and callback effects see one kind of event. An
    acceptance changes no status: closing still takes the desk's callback and close steps."""
    partner = getattr(actor, "partner", None)
    if partner is None or ticket.partner_id != partner.pk:
        raise ApplicationError(_("Only the ticket's partner may confirm its solution."), code="not_party", status=403)
    if ticket.status != Status.SOLVED:
        raise ApplicationError(
            _("There is no solution to confirm: the ticket is not in “solution recorded”."),
            code="nothing_to_confirm", field="status",
        )
    if TicketEvent.objects.filter(ticket=ticket, action=CONFIRMATION_ACTION, at__gte=ticket.status_changed_at).exists():
        raise ApplicationError(_("This solution has already been confirmed or disputed."), code="already_confirmed")
    # The event bumps the ticket's updated_at/version (and this instance's): a dispute's transition below
    # guards on the bumped version.
    timeline_record(ticket=ticket, actor=actor, action=CONFIRMATION_ACTION, note=comment.strip(),
                    data={"accepted": accepted, "partner": partner.code})
    if accepted:
        return ticket
    return ticket_transition(
        ticket=ticket, action="callback_failed", actor=actor,
        note=comment.strip() or str(_("Disputed by the partner.")), data={"source": CONFIRMATION_ACTION},
    )
