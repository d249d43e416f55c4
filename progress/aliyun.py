"""Alibaba Cloud SMS (dysmsapi 2017-05-25, SendSms) as an SMS backend: SMS_BACKEND=progress.aliyun.AliyunSmsBackend.

Why our own ~60 lines and not the official SDK (`alibabacloud_dysmsapi20170525`): the SDK brings the whole
Tea/Darabonba stack (tea-openapi, tea-util, credentials, openapi-util, darabonba-core with aiohttp …), about
ten packages for one GET; its current versions sign with the V3 header scheme, so a test server would have
to re-implement that to check anything. The documented RPC signature (HMAC-SHA1 over the sorted, percent-
encoded query; help.aliyun.com document 101343, "RPC 签名机制") is small and stable, and a test server can
check it byte for byte (tests/progress/fake_aliyun.py). HTTP goes through `requests` (pinned in
pyproject.toml): a pooled session with a connect/read timeout.

Settings (environment): ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME,
ALIYUN_SMS_TEMPLATE_CODE (the default template, one variable that carries the whole text),
ALIYUN_SMS_TEMPLATE_PARAM (that variable's name, default `content`), ALIYUN_SMS_ENDPOINT
(default https://dysmsapi.aliyuncs.com/), ALIYUN_SMS_REGION (default cn-hangzhou), ALIYUN_SMS_TIMEOUT (s)."""
import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from django.conf import settings

from .sms import BaseSmsBackend, SmsError, phone_mask

logger = logging.getLogger("servicedesk.sms")

# Codes that mean "not now" (throttled, the provider's own trouble): worth another try later. Every other
# non-OK code (a bad number, a wrong key or signature, an unapproved template) will fail again.
RETRYABLE_CODES = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL", "Throttling", "Throttling.User", "Throttling.Api", "isp.SYSTEM_ERROR",
    "ServiceUnavailable", "InternalError", "SignatureNonceUsed",
})


def percent_encode(value: str) -> str:
    # RFC 3986 as Alibaba's RPC signature wants it: space → %20, * → %2A, ~ kept.
    return quote(str(value), safe="~")


def rpc_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def provider_phone(phone: str) -> str:
    """E.164 → what SendSms takes: mainland numbers as 11 digits, others as country code + number, no '+'."""
    return phone[3:] if phone.startswith("+86") else phone.lstrip("+")


class AliyunSmsBackend(BaseSmsBackend):
    _session = requests.Session()  # one pool per process: SendSms is called from the notice workers

    def __init__(self):
        self.key_id = settings.ALIYUN_SMS_ACCESS_KEY_ID
        self.secret = settings.ALIYUN_SMS_ACCESS_KEY_SECRET
        self.sign_name = settings.ALIYUN_SMS_SIGN_NAME
        self.default_template = settings.ALIYUN_SMS_TEMPLATE_CODE
        self.text_param = settings.ALIYUN_SMS_TEMPLATE_PARAM
        self.endpoint = settings.ALIYUN_SMS_ENDPOINT
        self.region = settings.ALIYUN_SMS_REGION
        self.timeout = settings.ALIYUN_SMS_TIMEOUT

    def params_for(self, phone: str, text: str, template_code: str, params: dict | None) -> dict[str, str]:
        # A template of our own (MessageTemplate.provider_template_code) gets the placeholder values as its
        # variables; otherwise the default template's one variable carries the whole text.
        template_param = params if template_code and params is not None else {self.text_param: text}
        return {
            "AccessKeyId": self.key_id, "Action": "SendSms", "Format": "JSON", "RegionId": self.region,
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
            "PhoneNumbers": provider_phone(phone), "SignName": self.sign_name,
            "TemplateCode": template_code or self.default_template,
            "TemplateParam": json.dumps(template_param, ensure_ascii=False, separators=(",", ":")),
        }

    def send(self, phone: str, text: str, *, template_code: str = "", params: dict | None = None) -> str:
        if not (self.key_id and self.secret and self.sign_name and (template_code or self.default_template)):
            raise SmsError("Alibaba Cloud SMS is not configured (ALIYUN_SMS_*)", code="not_configured",
                           retryable=False)
        query = self.params_for(phone, text, template_code, params)
        query["Signature"] = rpc_signature(query, self.secret)
        try:
            response = self._session.get(self.endpoint, params=query, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"{type(exc).__name__}: {exc}", code="network") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = str(body.get("Code") or f"HTTP{response.status_code}")
        if response.status_code == 200 and code == "OK":
            logger.info("SMS to %s accepted: BizId %s", phone_mask(phone), body.get("BizId"))
            return str(body.get("BizId") or body.get("RequestId") or "")
        retryable = response.status_code >= 500 or code in RETRYABLE_CODES
        logger.warning("SMS to %s refused: %s %s (HTTP %s)", phone_mask(phone), code, body.get("Message", ""),
                       response.status_code)
        raise SmsError(str(body.get("Message") or response.reason or "refused"), code=code, retryable=retryable)
