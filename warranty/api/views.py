"""POST /api/v1/warranty/evaluate/: the 三包 decision for facts sent as JSON. Validates first (the
engine raises on impossible facts), decides with the cached policy snapshot: no SQL of its own when
the policy cache is warm, one query when cold."""
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.api import RoleRequired
from core.roles import Role

from ..facts import decision_as_json
from ..rules import Facts, decide
from ..selectors import statutory_rest_days
from .serializers import WarrantyEvaluateInput, WarrantyEvaluateOutput

REQUEST_EXAMPLE = {
    "category": "phone", "component": "main_unit", "purchase_date": "2026-03-01", "report_date": "2026-03-10",
    "fault": "performance", "has_invoice": True, "has_warranty_card": True, "documents_altered": False,
    "factory_date": None, "prior_repairs_same_fault": 0, "repair_days": 0, "exchanged_on": None,
    "sold_online": False,
}
RESPONSE_EXAMPLE = {
    "remedies": [
        {"remedy": "exchange", "until": "2026-03-16", "charge": "free", "missing_documents": []},
        {"remedy": "repair", "until": "2027-03-01", "charge": "free", "missing_documents": []},
    ],
    "missing_documents": [],
    "reasons": [
        {"code": "exchange.within_period",
         "message": "换货期内（截至 2026-03-16）出现性能故障，可免费换货；只换有故障的商品，附件不随之更换。",
         "message_zh": "换货期内（截至 2026-03-16）出现性能故障，可免费换货；只换有故障的商品，附件不随之更换。",
         "message_en": "Performance fault within the exchange period (until 2026-03-16): free exchange of the "
                       "faulty item only; its accessories are not exchanged.",
         "rule": "《移动电话机商品修理更换退货责任规定》第十二条：自售出之日起第8日至第15日内，主机出现性能故障的，"
                 "消费者可以选择换货或者修理（只换主机，电池、充电器等附件不换）"},
        {"code": "repair.free_within_period", "message": "在保修期内（截至 2027-03-01），免费修理。",
         "message_zh": "在保修期内（截至 2027-03-01），免费修理。",
         "message_en": "Within the warranty period (until 2027-03-01): free repair.",
         "rule": "《移动电话机商品修理更换退货责任规定》：主机三包有效期1年，有效期内性能故障免费修理"},
    ],
    "policy": {"code": "phone", "version": 1, "name": "手机三包（移动电话机）"},
}


class WarrantyEvaluateApi(APIView):
    permission_classes = [RoleRequired]
    roles = {Role.RECEPTION, Role.ENGINEER, Role.MANAGER, Role.PARTNER}
    required_scope = "tickets:read"  # a computation over the caller's facts: nothing is written

    @extend_schema(
        operation_id="warranty_evaluate",
        summary="Evaluate 三包 (return / exchange / repair) for a set of facts",
        description="Decides with the newest active version of the policy for the category (phones, home "
                    "appliances, computers, furniture; other goods sold online get the consumer-law policy) or "
                    "the policy named in `policy`. Nothing is stored. Reasons carry a stable code, the message in "
                    "the request's language (`Accept-Language`), both languages, and the rule applied. Periods "
                    "count as Chinese civil law counts them: the purchase day is not counted.",
        request=WarrantyEvaluateInput, responses={200: WarrantyEvaluateOutput},
        examples=[OpenApiExample("PhoneDay9", summary="A phone reported on day 9", value=REQUEST_EXAMPLE,
                                 request_only=True),
                  OpenApiExample("ExchangeOrRepair", summary="Exchange or repair", value=RESPONSE_EXAMPLE,
                                 response_only=True, status_codes=["200"])],
    )
    def post(self, request):
        data = WarrantyEvaluateInput(data=request.data)
        data.is_valid(raise_exception=True)
        facts = dict(data.validated_data)
        current = facts.pop("current_policy")
        facts.pop("policy")
        try:
            decision = decide(Facts(**facts), current.snapshot, statutory_rest_days())
        except ValueError as exc:  # validated above; if the engine still disagrees, it is a 400, not a 500
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]})
        body = {**decision_as_json(decision),
                "policy": {"code": current.code, "version": current.version, "name": current.snapshot.name}}
        return Response(WarrantyEvaluateOutput(body).data)
