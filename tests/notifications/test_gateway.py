"""FCMGateway: the real firebase-admin SDK sending to the loopback FCM emulator."""

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import firebase_admin
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.adapters import HTTPAdapter

from notifications.gateway import FCMGateway, SendResult
from notifications.messages import PushMessage, build_message

DEVICE_TOKEN = "device-token-1"
ARTICLE_DATA = {
    "type": "breaking",
    "alert_id": "7",
    "article_id": "42",
    "language": "ckb",
    "section": "world",
    "url": "https://newsline.example/ckb/world/42-quake/",
}


def push(token: str = DEVICE_TOKEN, **changes) -> PushMessage:
    fields: dict[str, Any] = {
        "token": token,
        "title": "Quake hits the north",
        "body": "At least 12 villages cut off",
        "image": "https://cdn.newsline.example/media/quake.jpg",
        "data": ARTICLE_DATA,
        "collapse_id": "article-42",
        "thread_id": "world",
    }
    fields.update(changes)
    return PushMessage(**fields)


def encoded(message) -> dict:
    return json.loads(str(message))  # the SDK's own JSON encoding of a Message


# --- the message on the wire -------------------------------------------------------------------------


def test_message_reaches_fcm_exactly_as_the_push_contract_says(gateway, fcm_emulator):
    before = int(time.time())
    [result] = gateway.send([push()])
    after = int(time.time())

    [record] = fcm_emulator.client.all_messages()
    message = record["message"]
    expiration = int(message["apns"]["headers"]["apns-expiration"])
    assert before + 3600 <= expiration <= after + 3600
    assert message == {
        "token": "device-token-1",
        "notification": {
            "title": "Quake hits the north",
            "body": "At least 12 villages cut off",
            "image": "https://cdn.newsline.example/media/quake.jpg",
        },
        "data": ARTICLE_DATA,
        "android": {
            "priority": "high",
            "ttl": "3600s",
            "collapse_key": "article-42",
            "notification": {"channel_id": "breaking", "tag": "article-42"},
        },
        "apns": {
            "headers": {"apns-priority": "10", "apns-collapse-id": "article-42", "apns-expiration": str(expiration)},
            "payload": {"aps": {"sound": "default", "thread-id": "world", "mutable-content": 1}},
        },
    }
    assert record["name"].startswith("projects/newsline-test/messages/")
    assert result == SendResult(token="device-token-1", ok=True, message_id=record["name"])


def test_emulator_endpoint_sends_no_credentials(gateway, fcm_emulator):
    gateway.send([push()])

    [record] = fcm_emulator.client.all_messages()
    assert record["authorization"] is None


def test_message_without_image_has_no_image_and_no_mutable_content(gateway, fcm_emulator):
    gateway.send([push(image=None)])

    [record] = fcm_emulator.client.all_messages()
    assert "image" not in record["message"]["notification"]
    assert record["message"]["apns"]["payload"] == {"aps": {"sound": "default", "thread-id": "world"}}


def test_ttl_defaults_to_the_setting(gateway, fcm_emulator, settings):
    settings.FCM_ALERT_TTL_SECONDS = 600
    gateway.send([push()])

    [record] = fcm_emulator.client.all_messages()
    assert record["message"]["android"]["ttl"] == "600s"


def test_retry_counts_ttl_down_from_the_first_send():
    sent_at = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    later = (sent_at + timedelta(seconds=600)).timestamp()

    message = encoded(build_message(push(ttl_seconds=3600, sent_at=sent_at), now=later))

    assert message["android"]["ttl"] == "3000s"
    assert message["apns"]["headers"]["apns-expiration"] == str(int(sent_at.timestamp()) + 3600)


def test_message_past_its_ttl_is_built_with_zero_ttl():
    sent_at = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    message = encoded(build_message(push(ttl_seconds=60, sent_at=sent_at), now=sent_at.timestamp() + 61))

    assert message["android"]["ttl"] == "0s"


def test_building_a_message_emits_no_deprecation_warning(recwarn):
    build_message(push(), now=0)

    assert [str(w.message) for w in recwarn] == []


# --- results ------------------------------------------------------------------------------------------


def test_results_follow_the_input_order(gateway, fcm_emulator):
    tokens = ["ok-1", "unregistered-1", "ok-2", "invalid-1", "ok-3"]

    results = gateway.send([push(token) for token in tokens])

    assert [r.token for r in results] == tokens
    assert [r.ok for r in results] == [True, False, True, False, True]
    accepted = {m["token"]: m["name"] for m in fcm_emulator.client.all_messages()}
    assert [r.message_id for r in results if r.ok] == [accepted["ok-1"], accepted["ok-2"], accepted["ok-3"]]


@pytest.mark.parametrize(
    ("token", "code", "status"),
    [("unregistered-1", "UNREGISTERED", 404), ("sender-mismatch-1", "SENDER_ID_MISMATCH", 403)],
)
def test_dead_token_is_permanent_and_invalid(gateway, token, code, status):
    [result] = gateway.send([push(token)])

    assert (result.ok, result.error_code, result.http_status) == (False, code, status)
    assert result.permanent is True
    assert result.token_invalid is True
    assert result.retry_after is None


def test_invalid_argument_naming_the_token_is_a_token_error(gateway):
    [result] = gateway.send([push("invalid-1")])

    assert result.error_code == "INVALID_ARGUMENT"
    assert result.permanent is True
    assert result.token_invalid is True


def test_payload_invalid_argument_never_invalidates_the_token(gateway, fcm_emulator):
    [result] = gateway.send([push(data={**ARTICLE_DATA, "google.sent_time": "1"})])

    assert result.error_code == "INVALID_ARGUMENT"
    assert result.permanent is True
    assert result.token_invalid is False
    [error] = fcm_emulator.client.all_errors()
    assert (error["reason"], error["field"]) == ("payload", "message.data")


def test_third_party_auth_error_is_permanent_but_not_a_token_error(gateway, fcm_emulator):
    fcm_emulator.client.configure(token_errors=[{"prefix": "apns-", "code": "THIRD_PARTY_AUTH_ERROR"}])

    [result] = gateway.send([push("apns-1")])

    assert (result.error_code, result.permanent, result.token_invalid) == ("THIRD_PARTY_AUTH_ERROR", True, False)


def test_unavailable_is_transient_and_honours_retry_after(gateway, fcm_emulator):
    fcm_emulator.client.configure(token_errors=[{"prefix": "busy-", "code": "UNAVAILABLE"}], retry_after=7)

    [result] = gateway.send([push("busy-1")])

    assert (result.error_code, result.http_status) == ("UNAVAILABLE", 503)
    assert result.permanent is False
    assert result.token_invalid is False
    assert result.retry_after == 7.0


def test_internal_is_transient_without_retry_after(gateway, fcm_emulator):
    fcm_emulator.client.configure(token_errors=[{"prefix": "boom-", "code": "INTERNAL"}])

    [result] = gateway.send([push("boom-1")])

    assert (result.error_code, result.permanent, result.token_invalid, result.retry_after) == (
        "INTERNAL",
        False,
        False,
        None,
    )


@pytest.mark.parametrize(("retry_after", "expected"), [(5, 60.0), (None, 60.0), (120, 120.0)])
def test_quota_exceeded_backs_off_at_least_a_minute(gateway, fcm_emulator, retry_after, expected):
    fcm_emulator.client.configure(
        token_errors=[{"prefix": "quota-", "code": "QUOTA_EXCEEDED"}], retry_after=retry_after
    )

    [result] = gateway.send([push("quota-1")])

    assert (result.error_code, result.permanent, result.token_invalid) == ("QUOTA_EXCEEDED", False, False)
    assert result.retry_after == expected


@pytest.mark.parametrize("code", ["UNAVAILABLE", "INTERNAL"])
def test_sdk_does_not_retry_server_errors_inside_the_call(gateway, fcm_emulator, code):
    """The SDK's default would retry 4 more times (sleeping Retry-After); the caller owns retries."""
    fcm_emulator.client.configure(token_errors=[{"prefix": "busy-", "code": code}], retry_after=1)

    gateway.send([push("busy-1")])

    assert fcm_emulator.client.stats()["requests"] == 1


def test_unreachable_endpoint_is_a_transient_unavailable(settings):
    settings.FCM_ENDPOINT = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.FCM_PROJECT_ID = "newsline-test"

    [result] = FCMGateway.default().send([push()])

    assert (result.ok, result.error_code, result.permanent, result.token_invalid) == (
        False,
        "UNAVAILABLE",
        False,
        False,
    )


def test_empty_token_fails_without_a_request(gateway, fcm_emulator):
    [result] = gateway.send([push("")])

    assert (result.error_code, result.permanent, result.token_invalid) == ("INVALID_ARGUMENT", True, True)
    assert fcm_emulator.client.stats()["requests"] == 0


def test_more_than_500_messages_are_refused(gateway):
    with pytest.raises(ValueError, match="at most 500"):
        gateway.send([push(f"t-{n}") for n in range(501)])


# --- connection pool and concurrency ----------------------------------------------------------------


def test_pool_size_caps_connections_to_fcm(fcm_settings, fcm_emulator):
    fcm_settings.FCM_POOL_SIZE = 8
    gateway = FCMGateway.default()
    adapter = gateway.session.get_adapter(gateway.send_url)
    assert isinstance(adapter, HTTPAdapter)

    results = gateway.send([push(f"device-{n}") for n in range(200)])

    assert adapter.poolmanager.connection_pool_kw["maxsize"] == 8
    assert all(result.ok for result in results)
    connections = {m["connection"] for m in fcm_emulator.client.all_messages()}
    assert 2 <= len(connections) <= 8


def test_500_messages_in_one_send_reuse_the_pool_without_warnings(gateway, fcm_emulator, caplog):
    caplog.set_level(logging.WARNING)

    results = gateway.send([push(f"device-{n}") for n in range(500)])

    assert sum(result.ok for result in results) == 500
    records = fcm_emulator.client.all_messages()
    assert sorted(m["token"] for m in records) == sorted(f"device-{n}" for n in range(500))
    assert len({m["connection"] for m in records}) <= 100
    assert "Connection pool is full" not in caplog.text


def test_a_small_non_blocking_pool_would_log_pool_full(fcm_settings, caplog):
    """The check above can fail: requests' default kind of pool churns connections under send_each."""
    caplog.set_level(logging.WARNING)
    gateway = FCMGateway.from_settings()
    gateway.session.mount(gateway.endpoint + "/", HTTPAdapter(pool_maxsize=2, pool_block=False))
    try:
        gateway.send([push(f"device-{n}") for n in range(500)])
    finally:
        gateway.close()

    assert "Connection pool is full" in caplog.text


# --- configuration ------------------------------------------------------------------------------------


def test_default_gateway_follows_the_settings(fcm_settings, fcm_emulator):
    first = FCMGateway.default()
    assert FCMGateway.default() is first
    assert first.send_url == f"{fcm_emulator.url}/v1/projects/newsline-test/messages:send"

    fcm_settings.FCM_PROJECT_ID = "other-project"
    second = FCMGateway.default()

    assert second is not first
    assert second.send_url == f"{fcm_emulator.url}/v1/projects/other-project/messages:send"
    with pytest.raises(ValueError, match="does not exist"):
        firebase_admin.get_app(first.app.name)
    second.send([push()])
    assert fcm_emulator.client.all_messages()[0]["name"].startswith("projects/other-project/messages/")


def test_emulator_endpoint_ignores_google_credentials(fcm_settings):
    fcm_settings.FCM_CREDENTIALS = "/nonexistent/service-account.json"

    gateway = FCMGateway.default()

    assert gateway.send([push()])[0].ok


def test_google_endpoint_uses_the_service_account_file(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    account = tmp_path / "service-account.json"
    account.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "newsline-prod",
                "private_key_id": "1",
                "private_key": pem.decode(),
                "client_email": "fcm@newsline-prod.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )

    gateway = FCMGateway(project_id="", credentials_path=str(account), pool_size=50)
    try:
        assert gateway.project_id == "newsline-prod"
        assert gateway.send_url == "https://fcm.googleapis.com/v1/projects/newsline-prod/messages:send"
        assert (
            gateway.app.credential.get_credential().service_account_email == "fcm@newsline-prod.iam.gserviceaccount.com"
        )
        adapter = gateway.session.get_adapter(gateway.send_url)
        assert isinstance(adapter, HTTPAdapter)
        assert adapter.poolmanager.connection_pool_kw["maxsize"] == 50
    finally:
        gateway.close()
