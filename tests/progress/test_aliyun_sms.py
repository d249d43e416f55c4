"""The Alibaba Cloud SMS backend (progress/aliyun.py) against a local fake of the SendSms endpoint."""
import json
import logging

import pytest

from progress.aliyun import AliyunSmsBackend, rpc_signature
from progress.sms import SmsError, get_sms_backend

PHONE = "+8613800138000"


def test_the_signature_matches_the_documented_example():
    # help.aliyun.com document 101343 (短信服务 RPC 签名): these parameters and key sign to this value.
    params = {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123", "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466", "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25"}
    assert rpc_signature(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_a_message_is_signed_sent_and_answered_with_the_biz_id(fake_aliyun):
    backend = get_sms_backend()
    assert isinstance(backend, AliyunSmsBackend)
    biz_id = backend.send(PHONE, "张三您好，工单 SD-1 已受理 & 100% {ok}")
    assert fake_aliyun.problems == [] and biz_id == "BIZ000001^0"
    sent = fake_aliyun.accepted[0]
    assert sent["PhoneNumbers"] == "13800138000"  # mainland numbers without +86
    assert sent["SignName"] == "售后服务台" and sent["TemplateCode"] == "SMS_000001"
    assert json.loads(sent["TemplateParam"]) == {"content": "张三您好，工单 SD-1 已受理 & 100% {ok}"}


def test_a_template_of_its_own_gets_the_placeholder_values_as_variables(fake_aliyun):
    get_sms_backend().send(PHONE, "ignored", template_code="SMS_777", params={"ticket_no": "SD-1", "amount": "¥9.00"})
    sent = fake_aliyun.accepted[0]
    assert sent["TemplateCode"] == "SMS_777"
    assert json.loads(sent["TemplateParam"]) == {"ticket_no": "SD-1", "amount": "¥9.00"}


def test_a_wrong_secret_is_refused_by_the_server_and_not_retried(fake_aliyun, settings):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsError) as refused:
        get_sms_backend().send(PHONE, "测试")
    assert refused.value.code == "SignatureDoesNotMatch" and not refused.value.retryable
    assert fake_aliyun.accepted == []


@pytest.mark.parametrize(("status", "code", "retryable"), [
    (500, "InternalError", True),
    (200, "isv.BUSINESS_LIMIT_CONTROL", True),  # throttled: try again later
    (200, "isv.MOBILE_NUMBER_ILLEGAL", False),  # will never work
])
def test_failures_say_whether_a_retry_may_help(fake_aliyun, status, code, retryable):
    fake_aliyun.fail_next(status=status, code=code)
    with pytest.raises(SmsError) as failed:
        get_sms_backend().send(PHONE, "测试")
    assert failed.value.code == code and failed.value.retryable is retryable
    assert get_sms_backend().send(PHONE, "测试")  # the next one goes through


def test_an_unreachable_endpoint_is_a_retryable_error(settings, fake_aliyun):
    fake_aliyun.stop()
    with pytest.raises(SmsError) as failed:
        get_sms_backend().send(PHONE, "测试")
    assert failed.value.retryable and failed.value.code == "network"


def test_without_keys_nothing_is_sent_and_it_says_why(settings):
    settings.SMS_BACKEND = "progress.aliyun.AliyunSmsBackend"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = ""
    with pytest.raises(SmsError) as failed:
        get_sms_backend().send(PHONE, "测试")
    assert failed.value.code == "not_configured" and not failed.value.retryable


def test_the_phone_is_masked_in_the_log(fake_aliyun, caplog):
    fake_aliyun.fail_next(status=200, code="isv.BUSINESS_LIMIT_CONTROL")
    with caplog.at_level(logging.INFO, logger="servicedesk.sms"):
        with pytest.raises(SmsError):
            get_sms_backend().send(PHONE, "测试")
        get_sms_backend().send(PHONE, "测试")
    assert "13800138000" not in caplog.text and "138****8000" in caplog.text
    assert "accepted" in caplog.text and "refused" in caplog.text
