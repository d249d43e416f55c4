from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.errors import ApplicationError
from partners.models import ApiScope, Partner
from partners.services import api_key_create


class Command(BaseCommand):
    help = "Issue an API key for a partner and print it (the only time it is shown; only a hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The partner's code, e.g. sf-express.")
        parser.add_argument("--name", default="command line", help="What the key is for.")
        parser.add_argument("--scopes", default=",".join(ApiScope.values[:3]),
                            help=f"Comma-separated, from: {', '.join(ApiScope.values)}.")
        parser.add_argument("--rate", type=int, default=120, help="Requests per minute.")

    def handle(self, *args, code: str, name: str, scopes: str, rate: int, **options):
        partner = Partner.objects.filter(code=code).first()
        if partner is None:
            raise CommandError(f"No partner with code {code!r}.")
        if rate < 1:
            raise CommandError("--rate must be at least 1.")
        try:
            key, raw = api_key_create(partner=partner, name=name, rate_limit_per_minute=rate,
                                      scopes=[s.strip() for s in scopes.split(",") if s.strip()])
        except ApplicationError as exc:
            raise CommandError(bilingual(exc.message)) from exc
        except ValidationError as exc:  # PartnerApiKey.save's own check, should the service's ever be bypassed
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
        self.stderr.write(f"Key sd_{key.prefix}_… for {partner} ({', '.join(key.scopes)}, {rate}/min). "
                          "Store it now: it cannot be shown again.")


def bilingual(message) -> str:
    """English, then Chinese: an operator's terminal has no Accept-Language to choose from."""
    with translation.override("en"):
        english = str(message)
    with translation.override("zh-hans"):
        chinese = str(message)
    return english if english == chinese else f"{english}\n{chinese}"
