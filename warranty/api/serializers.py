"""三包 API shapes: the evaluate input, the decision output, and the summary inside TicketOutput."""
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import PastDateField
from core.representation import DirectOutput, iso_date, iso_datetime
from tickets.choices import ProductCategory

from ..choices import FaultKind, Remedy
from ..selectors import policy_snapshot_for


def message_for_language(reason: dict) -> str:
    """The reason in the request's language (zh-hans by default, English for `Accept-Language: en`)."""
    language = (get_language() or "zh-hans").lower()
    return reason["message_en"] if language.startswith("en") else reason["message_zh"]


class RemedyOutput(serializers.Serializer):
    remedy = serializers.ChoiceField(choices=Remedy.choices)
    until = serializers.DateField(allow_null=True, help_text="Last day (inclusive) it can be claimed; null: none.")
    charge = serializers.ChoiceField(choices=[("free", "free"), ("paid", "paid")],
                                     help_text="What the customer bears: `paid` repair, or a no-reason return "
                                               "whose return shipping the customer pays.")
    missing_documents = serializers.ListField(child=serializers.CharField(), required=False,
                                              help_text="Documents this remedy still needs handed over.")


class ReasonOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Stable reason code, e.g. `return.within_period`.")
    message = serializers.SerializerMethodField(help_text="In the request's language.")
    message_zh = serializers.CharField()
    message_en = serializers.CharField()
    rule = serializers.CharField(help_text="The rule applied: the regulation's name and article, or the company policy's name and clause.")

    def get_message(self, reason) -> str:
        return message_for_language(reason)


class PolicyRefOutput(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


REPORT_BEFORE = {
    "purchase_date": _("The report date cannot be before the purchase date."),
    "factory_date": _("The report date cannot be before the factory date."),
    "exchanged_on": _("The report date cannot be before the exchange."),
}


class WarrantyEvaluateInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ProductCategory.choices)
    component = serializers.SlugField(max_length=30, required=False, default="main_unit")
    purchase_date = PastDateField(required=False, allow_null=True, default=None,
                                  help_text="Purchase (or delivery, or invoice) date.")
    report_date = PastDateField(required=False, default=None, help_text="Defaults to today (Asia/Shanghai).")
    fault = serializers.ChoiceField(choices=FaultKind.choices,
                                    help_text="`none`: a no-reason return request, nothing is broken.")
    has_invoice = serializers.BooleanField(required=False, default=False)
    has_warranty_card = serializers.BooleanField(required=False, default=False)
    documents_altered = serializers.BooleanField(required=False, default=False)
    factory_date = PastDateField(required=False, allow_null=True, default=None)
    prior_repairs_same_fault = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1000)
    repair_days = serializers.IntegerField(required=False, default=0, min_value=0, max_value=36500)
    exchanged_on = PastDateField(required=False, allow_null=True, default=None,
                                 help_text="This item is itself a replacement handed over that day.")
    sold_online = serializers.BooleanField(required=False, default=False)
    policy = serializers.SlugField(max_length=30, required=False, allow_blank=True, default="",
                                   help_text="A policy code to apply instead of the category's default, "
                                             "e.g. `online_30` (the merchant's 30-day promise).")

    def validate(self, attrs):
        attrs["report_date"] = attrs["report_date"] or timezone.localdate()
        report, errors = attrs["report_date"], {}
        for field, message in REPORT_BEFORE.items():
            if attrs[field] and attrs[field] > report:
                errors.setdefault("report_date", []).append(message)
        purchase = attrs["purchase_date"]
        if purchase and attrs["factory_date"] and attrs["factory_date"] > purchase:
            errors["factory_date"] = [_("The factory date cannot be after the purchase date.")]
        if purchase and attrs["exchanged_on"] and attrs["exchanged_on"] < purchase:
            errors["exchanged_on"] = [_("The exchange cannot be before the purchase date.")]
        current = policy_snapshot_for(category=attrs["category"], sold_online=attrs["sold_online"],
                                      code=attrs["policy"] or None)
        if current is None and attrs["policy"]:
            errors["policy"] = [_("No active warranty policy has this code.")]
        elif current is None:
            errors["category"] = [_("No warranty policy covers this product category for this kind of sale.")]
        elif attrs["component"] not in current.snapshot.components:
            errors["component"] = [_("Not a part this product's 三包 policy covers; choose one of: %(known)s.")
                                   % {"known": ", ".join(current.snapshot.components)}]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["current_policy"] = current
        return attrs


class WarrantyEvaluateOutput(serializers.Serializer):
    remedies = RemedyOutput(many=True)
    missing_documents = serializers.ListField(child=serializers.CharField())
    reasons = ReasonOutput(many=True)
    policy = PolicyRefOutput()


class WarrantyIntakeInput(serializers.Serializer):
    """The 三包 facts a ticket does not hold itself (TicketCreateInput.warranty). The part that failed is
    `device.component`; dates and documents come from `device`."""

    fault = serializers.ChoiceField(choices=FaultKind.choices, required=False, default=FaultKind.PERFORMANCE)
    documents_altered = serializers.BooleanField(required=False, default=False)


class WarrantySummaryOutput(DirectOutput, serializers.Serializer):
    """The decision stored with a ticket. `remedies` are what the customer may choose now: a manager's
    override replaces the computed ones (`overridden` is then true)."""

    def values(self, decision) -> tuple:
        policy = decision.policy
        return (
            [_remedy(remedy) for remedy in decision.effective_remedies],
            [str(doc) for doc in decision.effective_missing_documents],
            [{"code": reason["code"], "message": message_for_language(reason), "message_zh": reason["message_zh"],
              "message_en": reason["message_en"], "rule": reason["rule"]} for reason in decision.reasons],
            {"code": policy.code, "version": policy.version, "name": policy.name},
            decision.is_overridden,
            decision.override_reason,
            iso_datetime(decision.decided_at),
        )

    remedies = RemedyOutput(many=True, source="effective_remedies")
    missing_documents = serializers.ListField(child=serializers.CharField(), source="effective_missing_documents")
    reasons = ReasonOutput(many=True)
    policy = PolicyRefOutput()
    overridden = serializers.BooleanField(source="is_overridden")
    override_reason = serializers.CharField()
    decided_at = serializers.DateTimeField()


def _remedy(remedy: dict) -> dict:
    """RemedyOutput of one stored remedy: `missing_documents` only when the remedy has the key."""
    shown = {"remedy": remedy["remedy"], "until": iso_date(remedy.get("until")), "charge": remedy["charge"]}
    if "missing_documents" in remedy:
        shown["missing_documents"] = [str(doc) for doc in remedy["missing_documents"]]
    return shown
