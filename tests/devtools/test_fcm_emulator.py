"""The loopback FCM emulator speaks FCM's HTTP v1 wire format, and the real SDK understands it."""

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import pytest
from firebase_admin import exceptions, messaging

from devtools.fcm_emulator import (
    EmulatorClient,
    EmulatorConfig,
    EmulatorError,
    EmulatorProcess,
    TokenRule,
    validate_message,
)

ROOT = Path(__file__).resolve().parents[2]
SEND_PATH = "/v1/projects/newsline-test/messages:send"
DEVICE_TOKEN = "device-token-1"


def valid_message(token: str = DEVICE_TOKEN, **changes) -> dict:
    """A message shaped like the ones the gateway sends."""
    message = {
        "token": token,
        "notification": {"title": "Quake hits the north", "body": "Details to follow"},
        "data": {"type": "breaking", "alert_id": "7", "article_id": "42"},
        "android": {
            "priority": "high",
            "ttl": "3600s",
            "collapse_key": "article-42",
            "notification": {"channel_id": "breaking", "tag": "article-42"},
        },
        "apns": {
            "headers": {"apns-priority": "10", "apns-collapse-id": "article-42", "apns-expiration": "1900000000"},
            "payload": {"aps": {"sound": "default", "thread-id": "world"}},
        },
    }
    message.update(changes)
    return message


class Poster:
    """POSTs over one keep-alive connection, as the SDK does."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)

    def post(self, body, path: str = SEND_PATH) -> tuple[int, http.client.HTTPMessage, dict]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.connection.request("POST", path, raw, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        return response.status, response.headers, json.loads(response.read())

    def send(self, message: dict, **extra) -> tuple[int, http.client.HTTPMessage, dict]:
        return self.post({"message": message, **extra})


@pytest.fixture
def poster(fcm_emulator):
    poster = Poster(fcm_emulator.url)
    yield poster
    poster.connection.close()


def send_request(token: str, *, version: str = "HTTP/1.1", headers: str = "") -> bytes:
    """One raw send request for ``token``, with extra header lines (each ending in CRLF)."""
    body = json.dumps({"message": valid_message(token)}).encode()
    head = (
        f"POST {SEND_PATH} {version}\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}\r\n"
    )
    return head.encode() + body


@contextlib.contextmanager
def raw_connection(url: str) -> Iterator[tuple[socket.socket, BinaryIO]]:
    """A plain socket to the emulator (for what http.client will not send) and a reader on it."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock, sock.makefile("rb") as stream:
        yield sock, stream


def read_response(stream: BinaryIO) -> tuple[int, dict[str, str], bytes]:
    """One answer off ``stream``: status, headers (lower-case names) and body."""
    status_line = stream.readline()
    assert status_line.startswith(b"HTTP/1.1 "), status_line
    headers = {}
    while (line := stream.readline()) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, stream.read(int(headers.get("content-length", "0")))


def assert_closed(stream: BinaryIO) -> None:
    """The server closed the connection: nothing more comes (a timeout here means it kept it open)."""
    assert stream.read() == b""


# --- success and recording ------------------------------------------------------------------------


def test_valid_message_is_accepted_with_a_unique_message_name(fcm_emulator, poster):
    first = poster.send(valid_message())
    second = poster.send(valid_message())

    assert first[0] == second[0] == 200
    assert first[2]["name"].startswith("projects/newsline-test/messages/")
    assert first[2]["name"] != second[2]["name"]


def test_accepted_message_is_recorded_with_token_id_and_full_json(fcm_emulator, poster):
    message = valid_message("device-token-9")
    _, _, answer = poster.send(message)

    [record] = fcm_emulator.client.all_messages()
    assert record["token"] == "device-token-9"
    assert record["target"] == "token"
    assert record["name"] == answer["name"]
    assert answer["name"].endswith("/" + record["message_id"])
    assert record["message"] == message
    assert record["time"] == pytest.approx(time.time(), abs=60)


def test_validate_only_is_answered_but_not_recorded(fcm_emulator, poster):
    status, _, answer = poster.send(valid_message(), validate_only=True)

    assert status == 200
    assert answer == {"name": "projects/newsline-test/messages/fake_message_id"}
    assert fcm_emulator.client.all_messages() == []
    assert fcm_emulator.client.stats()["validate_only"] == 1


def test_many_requests_share_one_keep_alive_connection(fcm_emulator, poster):
    for _ in range(50):
        assert poster.send(valid_message())[0] == 200

    assert {record["connection"] for record in fcm_emulator.client.all_messages()} == {1}


def test_message_pages_are_read_by_index(fcm_emulator, poster):
    for n in range(25):
        poster.send(valid_message(f"device-{n}"))
    client = fcm_emulator.client

    first = client.messages(since=0, limit=10)
    last = client.messages(since=20, limit=10)

    assert (first["total"], first["next"]) == (25, 10)
    assert [m["token"] for m in first["messages"]] == [f"device-{n}" for n in range(10)]
    assert [m["index"] for m in last["messages"]] == [20, 21, 22, 23, 24]
    assert last["next"] == 25
    assert [m["token"] for m in client.all_messages(since=5)] == [f"device-{n}" for n in range(5, 25)]


def test_clearing_drops_messages_errors_and_counters(fcm_emulator, poster):
    poster.send(valid_message())
    poster.send(valid_message("unregistered-1"))

    fcm_emulator.client.clear()

    stats = fcm_emulator.client.stats()
    assert (stats["requests"], stats["accepted"], stats["errors"]) == (0, 0, {})
    assert fcm_emulator.client.all_messages() == []
    assert fcm_emulator.client.all_errors() == []


# --- FCM's error bodies ----------------------------------------------------------------------------


def test_unregistered_token_gets_fcms_404_body(poster):
    status, headers, body = poster.send(valid_message("unregistered-abc"))

    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert body == {
        "error": {
            "code": 404,
            "message": "Requested entity was not found.",
            "status": "NOT_FOUND",
            "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}],
        }
    }


def test_invalid_token_gets_a_400_naming_the_token_field(poster):
    status, _, body = poster.send(valid_message("invalid-abc"))

    assert status == 400
    assert body == {
        "error": {
            "code": 400,
            "message": "The registration token is not a valid FCM registration token",
            "status": "INVALID_ARGUMENT",
            "details": [
                {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "INVALID_ARGUMENT"},
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [
                        {
                            "field": "message.token",
                            "description": "The registration token is not a valid FCM registration token",
                        }
                    ],
                },
            ],
        }
    }


def test_empty_token_is_an_invalid_token(poster):
    status, _, body = poster.send(valid_message(""))

    assert status == 400
    assert body["error"]["details"][1]["fieldViolations"][0]["field"] == "message.token"


@pytest.mark.parametrize(
    ("code", "status", "grpc_status"),
    [("QUOTA_EXCEEDED", 429, "RESOURCE_EXHAUSTED"), ("UNAVAILABLE", 503, "UNAVAILABLE")],
)
def test_overload_errors_carry_retry_after(fcm_emulator, poster, code, status, grpc_status):
    fcm_emulator.client.configure(token_errors=[{"prefix": "busy-", "code": code}], retry_after=17)

    got_status, headers, body = poster.send(valid_message("busy-1"))

    assert got_status == status
    assert headers["Retry-After"] == "17"
    assert body["error"]["status"] == grpc_status
    assert body["error"]["details"] == [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}
    ]


def test_retry_after_can_be_left_out(fcm_emulator, poster):
    fcm_emulator.client.configure(token_errors=[{"prefix": "busy-", "code": "UNAVAILABLE"}], retry_after=None)

    status, headers, _ = poster.send(valid_message("busy-1"))

    assert status == 503
    assert "Retry-After" not in headers


def test_internal_error_is_a_500_without_retry_after(fcm_emulator, poster):
    fcm_emulator.client.configure(token_errors=[{"prefix": "boom-", "code": "INTERNAL"}])

    status, headers, body = poster.send(valid_message("boom-1"))

    assert status == 500
    assert "Retry-After" not in headers
    assert (body["error"]["code"], body["error"]["status"]) == (500, "INTERNAL")


def test_token_rule_with_times_fails_only_the_first_requests_of_each_token(fcm_emulator, poster):
    fcm_emulator.client.configure(token_errors=[{"prefix": "flaky-", "code": "UNAVAILABLE", "times": 2}])

    statuses_a = [poster.send(valid_message("flaky-a"))[0] for _ in range(3)]
    statuses_b = [poster.send(valid_message("flaky-b"))[0] for _ in range(3)]

    assert statuses_a == statuses_b == [503, 503, 200]


# --- payload validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (valid_message(data={"alert_id": 7}), "message.data[alert_id].value"),
        (valid_message(data={"google.sent_time": "1"}), "message.data"),
        (valid_message(topic="breaking"), "message"),
        ({k: v for k, v in valid_message().items() if k != "token"}, "message"),
        (valid_message(android={"ttl": "3600"}), "message.android.ttl"),
        (valid_message(android={"priority": "urgent"}), "message.android.priority"),
        (valid_message(apns={"headers": {"apns-priority": 10}}), "message.apns.headers[apns-priority].value"),
        (valid_message(apns={"headers": {"apns-expiration": "soon"}}), "message.apns.headers"),
        (valid_message(notification={"title": "t", "subtitle": "s"}), "message.notification"),
        (valid_message(data={"big": "x" * 5000}), "message"),
    ],
    ids=[
        "data-not-string",
        "data-reserved-key",
        "two-targets",
        "no-target",
        "ttl-format",
        "priority",
        "apns-header-not-string",
        "apns-expiration",
        "unknown-notification-field",
        "too-big",
    ],
)
def test_payload_error_is_a_400_naming_the_field_not_the_token(fcm_emulator, poster, message, field):
    status, _, body = poster.send(message)

    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    [bad_request] = [d for d in body["error"]["details"] if d["@type"].endswith("google.rpc.BadRequest")]
    fields = [violation["field"] for violation in bad_request["fieldViolations"]]
    assert field in fields
    assert "message.token" not in fields
    assert fcm_emulator.client.stats()["payload_errors"] == 1
    assert fcm_emulator.client.all_messages() == []


def test_the_gateways_message_shape_is_valid():
    assert validate_message(valid_message()) == []


def test_malformed_json_is_a_400(poster):
    status, _, body = poster.post(b"{not json")

    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"


def test_unknown_path_is_a_google_style_404(poster):
    status, _, body = poster.post(valid_message(), path="/v1/projects/newsline-test/messages:sendAll")

    assert status == 404
    assert body["error"]["status"] == "NOT_FOUND"


# --- injection, latency, control API --------------------------------------------------------------


def test_injected_error_rates_are_respected_and_replayed_with_the_same_seed(fcm_emulator, poster):
    rates = {"UNAVAILABLE": 0.2, "INTERNAL": 0.1, "QUOTA_EXCEEDED": 0.05}
    fcm_emulator.client.configure(error_rates=rates, seed=1234)
    first = [poster.send(valid_message())[0] for _ in range(2000)]
    fcm_emulator.client.configure(seed=1234)
    second = [poster.send(valid_message())[0] for _ in range(2000)]

    counts = Counter(first)
    assert counts[503] / 2000 == pytest.approx(0.2, abs=0.04)
    assert counts[500] / 2000 == pytest.approx(0.1, abs=0.03)
    assert counts[429] / 2000 == pytest.approx(0.05, abs=0.02)
    assert counts[200] / 2000 == pytest.approx(0.65, abs=0.05)
    assert second == first
    stats = fcm_emulator.client.stats()
    assert stats["errors"]["UNAVAILABLE"] == 2 * counts[503]
    assert stats["accepted"] == 2 * counts[200]


def test_every_error_returned_is_logged_and_counted(fcm_emulator, poster):
    poster.send(valid_message("unregistered-1"))
    poster.send(valid_message("invalid-1"))
    poster.send(valid_message(data={"n": 1}))

    errors = fcm_emulator.client.all_errors()
    assert [(e["token"], e["code"], e["status"], e["reason"], e["field"]) for e in errors] == [
        ("unregistered-1", "UNREGISTERED", 404, "rule", ""),
        ("invalid-1", "INVALID_ARGUMENT", 400, "rule", "message.token"),
        ("device-token-1", "INVALID_ARGUMENT", 400, "payload", "message.data[n].value"),
    ]
    stats = fcm_emulator.client.stats()
    assert stats["errors"] == {"UNREGISTERED": 1, "INVALID_ARGUMENT": 2}
    assert stats["statuses"] == {"400": 2, "404": 1}


def test_latency_delays_answers_and_keeps_pipelined_answers_in_order(fcm_emulator):
    fcm_emulator.client.configure(latency_ms=100)

    started = time.monotonic()
    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("first") + send_request("second"))  # both at once: HTTP/1.1 pipelining
        answers = [read_response(stream) for _ in range(2)]
    elapsed = time.monotonic() - started

    records = fcm_emulator.client.all_messages()
    assert [r["token"] for r in records] == ["first", "second"]
    assert [status for status, _, _ in answers] == [200, 200]
    assert [json.loads(body)["name"] for _, _, body in answers] == [r["name"] for r in records]
    assert elapsed >= 0.2


def test_configuration_is_read_back_and_reset(fcm_emulator):
    client = fcm_emulator.client
    changed = client.configure(retry_after=5, latency_ms=1, token_errors=[{"prefix": "x-", "code": "internal"}])

    assert changed["retry_after"] == 5
    assert changed["token_errors"] == [{"prefix": "x-", "code": "INTERNAL", "times": None}]
    assert client.config() == changed
    assert client.reset() == EmulatorConfig().as_dict()


@pytest.mark.parametrize(
    "changes",
    [
        {"token_errors": [{"prefix": "x-", "code": "TEAPOT"}]},
        {"error_rates": {"UNREGISTERED": 0.1}},
        {"error_rates": {"UNAVAILABLE": 0.7, "INTERNAL": 0.7}},
        {"colour": "blue"},
    ],
)
def test_bad_configuration_is_refused_and_changes_nothing(fcm_emulator, changes):
    before = fcm_emulator.client.config()

    with pytest.raises(EmulatorError, match="400"):
        fcm_emulator.client.configure(**changes)

    assert fcm_emulator.client.config() == before


# --- the SDK's exception classes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "exception_class"),
    [
        ("UNREGISTERED", messaging.UnregisteredError),
        ("INVALID_ARGUMENT", exceptions.InvalidArgumentError),
        ("QUOTA_EXCEEDED", messaging.QuotaExceededError),
        ("UNAVAILABLE", exceptions.UnavailableError),
        ("INTERNAL", exceptions.InternalError),
        ("SENDER_ID_MISMATCH", messaging.SenderIdMismatchError),
        ("THIRD_PARTY_AUTH_ERROR", messaging.ThirdPartyAuthError),
    ],
)
def test_sdk_raises_its_exception_class_for_each_error_body(fcm_emulator, gateway, code, exception_class):
    fcm_emulator.client.configure(token_errors=[{"prefix": "err-", "code": code}])
    message = messaging.Message(data={"type": "breaking"})
    message.token = "err-1"

    with pytest.raises(exception_class) as caught:
        messaging.send(message, app=gateway.app)

    assert (
        caught.value.http_response.status_code
        == {
            "UNREGISTERED": 404,
            "INVALID_ARGUMENT": 400,
            "QUOTA_EXCEEDED": 429,
            "UNAVAILABLE": 503,
            "INTERNAL": 500,
            "SENDER_ID_MISMATCH": 403,
            "THIRD_PARTY_AUTH_ERROR": 401,
        }[code]
    )


# --- HTTP/1.1: keep-alive, pipelining, limits ------------------------------------------------------


def test_pipelined_requests_are_answered_in_request_order(fcm_emulator):
    health = b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n"

    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("device-a") + send_request("unregistered-b") + health + send_request("device-c"))
        answers = [read_response(stream) for _ in range(4)]

    assert [status for status, _, _ in answers] == [200, 404, 200, 200]
    assert json.loads(answers[1][2])["error"]["details"][0]["errorCode"] == "UNREGISTERED"
    assert json.loads(answers[2][2]) == {"ok": True}
    records = fcm_emulator.client.all_messages()
    assert [r["token"] for r in records] == ["device-a", "device-c"]
    assert [json.loads(answers[i][2])["name"] for i in (0, 3)] == [r["name"] for r in records]


def test_requests_cut_across_reads_stay_whole_while_other_connections_are_read(fcm_emulator):
    cut = send_request("patient", headers="Authorization: Bearer cut-token\r\n")
    in_header = cut.index(b"cut-token") + 3
    in_body = cut.index(b"patient") + 3

    with raw_connection(fcm_emulator.url) as (a, a_stream), raw_connection(fcm_emulator.url) as (b, b_stream):
        for part, token in ((cut[:in_header], "between-1"), (cut[in_header:in_body], "between-2")):
            a.sendall(part)
            time.sleep(0.1)  # read on its own, then the other connection's request is read over it
            b.sendall(send_request(token))
            assert read_response(b_stream)[0] == 200
        a.sendall(cut[in_body:])
        assert read_response(a_stream)[0] == 200

    records = fcm_emulator.client.all_messages()
    assert [r["token"] for r in records] == ["between-1", "between-2", "patient"]
    assert records[2]["authorization"] == "Bearer cut-token"
    assert records[2]["message"] == valid_message("patient")


def test_each_connection_has_its_own_serial_number(fcm_emulator):
    first, second = Poster(fcm_emulator.url), Poster(fcm_emulator.url)
    try:
        first.send(valid_message("on-first"))
        second.send(valid_message("on-second"))
        first.send(valid_message("on-first-again"))
        stats = fcm_emulator.client.stats()
    finally:
        first.connection.close()
        second.connection.close()

    records = fcm_emulator.client.all_messages()
    assert [(r["token"], r["connection"]) for r in records] == [
        ("on-first", 1),
        ("on-second", 2),
        ("on-first-again", 1),
    ]
    assert stats["connections_opened"] == 3  # the two posters' and the stats call's own


def test_connection_close_is_answered_then_closed_and_later_requests_are_dropped(fcm_emulator):
    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("last", headers="Connection: close\r\n") + send_request("dropped"))
        status, headers, _ = read_response(stream)
        assert_closed(stream)

    assert (status, headers["connection"]) == (200, "close")
    assert [r["token"] for r in fcm_emulator.client.all_messages()] == ["last"]


def test_http_1_0_closes_unless_it_asks_for_keep_alive(fcm_emulator):
    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("kept", version="HTTP/1.0", headers="Connection: keep-alive\r\n"))
        kept = read_response(stream)
        sock.sendall(send_request("closed", version="HTTP/1.0"))
        closed = read_response(stream)
        assert_closed(stream)

    assert (kept[0], kept[1]["connection"]) == (200, "keep-alive")
    assert (closed[0], closed[1]["connection"]) == (200, "close")
    assert {r["connection"] for r in fcm_emulator.client.all_messages()} == {1}


def test_expect_100_continue_is_answered_before_the_body_is_sent(fcm_emulator):
    request = send_request("patient", headers="Expect: 100-continue\r\n")
    head, body = request.split(b"\r\n\r\n", 1)

    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(head + b"\r\n\r\n")
        interim = stream.readline() + stream.readline()
        sock.sendall(body)
        status, _, _ = read_response(stream)

    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert status == 200


def test_chunked_body_is_accepted(fcm_emulator):
    body = json.dumps({"message": valid_message("chunked")}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:100], body[100:]))

    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(
            f"POST {SEND_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            + chunks
            + b"0\r\n\r\n"
        )
        status, _, _ = read_response(stream)

    assert status == 200
    [record] = fcm_emulator.client.all_messages()
    assert record["message"] == valid_message("chunked")


def test_head_over_64_kib_is_a_431_and_closes(fcm_emulator):
    padding = "x" * (64 * 1024)

    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("ok") + send_request("big-head", headers=f"X-Padding: {padding}\r\n"))
        answers = [read_response(stream) for _ in range(2)]
        assert_closed(stream)

    assert [status for status, _, _ in answers] == [200, 431]
    assert json.loads(answers[1][2]) == {"error": "request head too large"}
    assert [r["token"] for r in fcm_emulator.client.all_messages()] == ["ok"]


def test_endless_header_line_is_a_431_and_closes(fcm_emulator):
    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(f"POST {SEND_PATH} HTTP/1.1\r\nX-Endless: ".encode())
        time.sleep(0.2)  # the rest comes in later reads, which httptools buffers without a callback
        sock.sendall(b"x" * (64 * 1024 + 1))
        status, _, body = read_response(stream)
        assert_closed(stream)

    assert (status, json.loads(body)) == (431, {"error": "request head too large"})


def test_content_length_over_16_mib_is_a_413_and_closes(fcm_emulator):
    head = f"POST {SEND_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {16 * 1024 * 1024 + 1}\r\n\r\n"

    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(head.encode())
        status, headers, body = read_response(stream)
        assert_closed(stream)

    assert (status, headers["connection"], json.loads(body)) == (413, "close", {"error": "body too large"})


def test_chunked_body_over_16_mib_is_a_413_and_closes(fcm_emulator):
    size = 16 * 1024 * 1024 + 1
    head = f"POST {SEND_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % size

    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(head.encode() + b"x" * size)
        status, _, body = read_response(stream)
        assert_closed(stream)

    assert (status, json.loads(body)) == (413, {"error": "body too large"})


@pytest.mark.parametrize(
    "request_line",
    [b"NOT AN HTTP REQUEST", b"GET /has a space HTTP/1.1", b"GET / HTTP/1.1\r\nContent-Length: ten"],
    ids=["request-line", "target-with-space", "bad-content-length"],
)
def test_malformed_request_is_a_400_after_the_earlier_answers_and_closes(fcm_emulator, request_line):
    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("before") + request_line + b"\r\n\r\n" + send_request("after"))
        answers = [read_response(stream) for _ in range(2)]
        assert_closed(stream)

    assert [status for status, _, _ in answers] == [200, 400]
    assert json.loads(answers[1][2]) == {"error": "malformed request"}
    assert [r["token"] for r in fcm_emulator.client.all_messages()] == ["before"]


def test_protocol_upgrade_is_refused_with_a_400_and_closes(fcm_emulator):
    with raw_connection(fcm_emulator.url) as (sock, stream):
        sock.sendall(send_request("upgrade", headers="Connection: Upgrade\r\nUpgrade: websocket\r\n"))
        status, _, body = read_response(stream)
        assert_closed(stream)

    assert (status, json.loads(body)) == (400, {"error": "protocol upgrades are not supported"})
    assert fcm_emulator.client.all_messages() == []


# --- running it -------------------------------------------------------------------------------------


def test_command_line_starts_a_process_with_the_given_switches():
    config = EmulatorConfig(
        token_errors=(TokenRule("gone-", "UNREGISTERED", times=1),),
        error_rates={"INTERNAL": 0.25},
        retry_after=None,
        seed=3,
        record_bodies=False,
    )
    with EmulatorProcess(config=config) as emulator:
        client = EmulatorClient(emulator.url)
        assert client.config() == config.as_dict()
        client.configure(error_rates={})
        poster = Poster(emulator.url)
        assert [poster.send(valid_message("gone-1"))[0] for _ in range(2)] == [404, 200]
        [record] = client.all_messages()
        assert record["message"] is None  # bodies not recorded


def test_emulator_module_runs_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = "import sys, devtools.fcm_emulator; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"
