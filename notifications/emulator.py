"""A loopback FCM HTTP v1 emulator for development, tests and benchmarks.

Run ``python -m notifications.emulator --port 9099`` (no Django needed) and set
``FCM_ENDPOINT=http://127.0.0.1:9099``: the real firebase-admin SDK then sends to it
exactly what it would send to Google. It answers like FCM:

- ``POST /v1/projects/{project}/messages:send`` with ``{"message": {...}, "validate_only": bool}``:
  ``200 {"name": "projects/{project}/messages/<id>"}`` for a valid message; a payload FCM
  would refuse is a ``400 INVALID_ARGUMENT`` whose ``BadRequest`` field violations name the
  offending field (never the token); the error bodies below for injected failures.
- Injected failures, configured on the command line or at runtime: tokens by prefix map to a
  fixed error (by default ``unregistered-`` → UNREGISTERED, ``invalid-`` → INVALID_ARGUMENT
  naming ``message.token``, ``sender-mismatch-`` → SENDER_ID_MISMATCH), optionally only for a
  token's first N requests; a per-request probability of UNAVAILABLE, INTERNAL and
  QUOTA_EXCEEDED (seeded RNG); a Retry-After for 429/503; an artificial latency.
- It records every accepted message and every error it returned.

The control API lives on the same port under ``/_emulator/``:

- ``GET health``: ``{"ok": true}``
- ``GET config``, ``POST config`` (a JSON object with some of ``EmulatorConfig``'s keys:
  ``token_errors``, ``error_rates``, ``retry_after``, ``latency_ms``, ``seed``, ``record_bodies``)
- ``POST reset``: back to the start-up configuration, with everything recorded dropped
- ``GET messages?since=N&limit=M``: accepted messages from index N (``next`` is the index to ask
  for next; limit at most 10,000), each with its token, message id, time and message JSON
- ``GET errors?since=N&limit=M``: every error answered, with token, code, status and reason
- ``DELETE messages``: drop messages, errors and counters
- ``GET stats``: requests, accepted, errors by code, payload errors, statuses, connections

From Python: ``EmulatorServer`` runs it on a background thread of this process,
``EmulatorProcess`` as a child process (for benchmarks and multi-process tests); both have
``.url`` and ``.client`` (an ``EmulatorClient`` for the control API).

The server is a single asyncio event loop with a minimal HTTP/1.1 parser (keep-alive,
pipelining, Content-Length bodies): enough for the SDK and several times faster than it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

# --- FCM's error bodies ------------------------------------------------------------------------

FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
INVALID_TOKEN_DESCRIPTION = "The registration token is not a valid FCM registration token"  # noqa: S105


@dataclass(frozen=True)
class _ErrorKind:
    status: int
    grpc_status: str
    message: str
    retry_after: bool = False  # sends the configured Retry-After


# The errors the emulator can inject, by FCM errorCode, as Google's front end answers them.
ERRORS: dict[str, _ErrorKind] = {
    "UNREGISTERED": _ErrorKind(404, "NOT_FOUND", "Requested entity was not found."),
    "INVALID_ARGUMENT": _ErrorKind(400, "INVALID_ARGUMENT", INVALID_TOKEN_DESCRIPTION),
    "SENDER_ID_MISMATCH": _ErrorKind(403, "PERMISSION_DENIED", "SenderId mismatch"),
    "THIRD_PARTY_AUTH_ERROR": _ErrorKind(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"),
    "QUOTA_EXCEEDED": _ErrorKind(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute per project' "
        "of service 'fcm.googleapis.com'.",
        retry_after=True,
    ),
    "UNAVAILABLE": _ErrorKind(503, "UNAVAILABLE", "The service is currently unavailable.", retry_after=True),
    "INTERNAL": _ErrorKind(500, "INTERNAL", "Internal error encountered."),
}
# Failures that may be injected at random, per request, in this order of the cumulative draw.
RANDOM_ERRORS = ("UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED")
TARGET_FIELDS = ("token", "fid", "topic", "condition")


def error_body(
    code: str, *, field_violations: Sequence[tuple[str, str]] = (), message: str | None = None
) -> dict[str, Any]:
    """The JSON body FCM answers for the FCM ``errorCode`` ``code``."""
    kind = ERRORS[code]
    details: list[dict[str, Any]] = [{"@type": FCM_ERROR_TYPE, "errorCode": code}]
    if field_violations:
        details.append(
            {
                "@type": BAD_REQUEST_TYPE,
                "fieldViolations": [{"field": f, "description": d} for f, d in field_violations],
            }
        )
    return {
        "error": {
            "code": kind.status,
            "message": message or kind.message,
            "status": kind.grpc_status,
            "details": details,
        }
    }


def _plain_error(status: int, grpc_status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": grpc_status}}


# --- Message validation ------------------------------------------------------------------------

_MESSAGE_FIELDS = frozenset(
    {"name", "data", "notification", "android", "webpush", "apns", "fcm_options", *TARGET_FIELDS}
)
_NOTIFICATION_FIELDS = frozenset({"title", "body", "image"})
_ANDROID_FIELDS = frozenset(
    [
        "collapse_key",
        "priority",
        "ttl",
        "restricted_package_name",
        "data",
        "notification",
        "fcm_options",
        "direct_boot_ok",
        "bandwidth_constrained_ok",
        "restricted_satellite_ok",
    ]
)
_ANDROID_NOTIFICATION_STRINGS = frozenset(
    [
        "title",
        "body",
        "icon",
        "color",
        "sound",
        "tag",
        "click_action",
        "body_loc_key",
        "title_loc_key",
        "channel_id",
        "ticker",
        "image",
        "event_time",
        "notification_priority",
        "visibility",
    ]
)
_APNS_FIELDS = frozenset({"headers", "payload", "fcm_options", "live_activity_token"})
_RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type"})
_TTL = re.compile(r"^\d{1,12}(\.\d{1,9})?s$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TOPIC = re.compile(r"^[a-zA-Z0-9-_.~%]{1,900}$")
_ANALYTICS_LABEL = re.compile(r"^[a-zA-Z0-9-_.~%]{1,50}$")
_MAX_PAYLOAD_BYTES = 4096


def _type_error(path: str, value: Any, kind: str = "TYPE_STRING") -> tuple[str, str]:
    return path, f"Invalid value at '{path}' ({kind}), {json.dumps(value)[:60]}"


def _check_string_map(out: list[tuple[str, str]], path: str, value: Any, *, data: bool = False) -> None:
    if not isinstance(value, dict):
        out.append(_type_error(path, value, "type.googleapis.com/google.protobuf.Map"))
        return
    for key, item in value.items():
        if not isinstance(item, str):
            out.append(_type_error(f"{path}[{key}].value", item))
        elif data and (key in _RESERVED_DATA_KEYS or key.startswith(("google.", "gcm."))):
            out.append((path, f"Invalid data payload key: {key}"))


def _check_strings(out: list[tuple[str, str]], path: str, obj: dict[str, Any], names: frozenset[str]) -> None:
    for name in names & obj.keys():
        if not isinstance(obj[name], str):
            out.append(_type_error(f"{path}.{name}", obj[name]))


def _check_known(out: list[tuple[str, str]], path: str, obj: dict[str, Any], names: frozenset[str]) -> None:
    for name in obj.keys() - names:
        out.append((path, f"Invalid JSON payload received. Unknown name \"{name}\" at '{path}': Cannot find field."))


def validate_message(message: Any) -> list[tuple[str, str]]:
    """The field violations FCM would report for ``message`` (empty when it is valid).

    Covers the essentials the apps' contract depends on: exactly one target, string-only
    data, the notification, android and apns blocks' types and formats, the 4 KB payload
    limit. Token validity is not a payload check: see the token error rules.
    """
    out: list[tuple[str, str]] = []
    if not isinstance(message, dict):
        return [_type_error("message", message, "type.googleapis.com/google.firebase.fcm.v1.Message")]
    _check_known(out, "message", message, _MESSAGE_FIELDS)
    targets = [name for name in TARGET_FIELDS if name in message]
    if not targets:
        out.append(("message", "Recipient of the message is not set."))
    elif len(targets) > 1:
        out.append(("message", f"oneof field 'target' is already set. Cannot set '{targets[1]}'"))
    for name in targets:
        if not isinstance(message[name], str):
            out.append(_type_error(f"message.{name}", message[name]))
    if isinstance(message.get("topic"), str) and not _TOPIC.match(message["topic"]):
        out.append(("message.topic", "Invalid topic name."))

    size = 0
    data = message.get("data")
    if data is not None:
        _check_string_map(out, "message.data", data, data=True)
        if isinstance(data, dict):
            size += sum(len(str(k).encode()) + len(str(v).encode()) for k, v in data.items())

    notification = message.get("notification")
    if notification is not None:
        if isinstance(notification, dict):
            _check_known(out, "message.notification", notification, _NOTIFICATION_FIELDS)
            _check_strings(out, "message.notification", notification, _NOTIFICATION_FIELDS)
            size += sum(len(str(v).encode()) for v in notification.values())
        else:
            out.append(_type_error("message.notification", notification, "TYPE_MESSAGE"))
    if size > _MAX_PAYLOAD_BYTES:
        out.append(("message", "Message is too big. The payload must not exceed 4096 bytes."))

    android = message.get("android")
    if android is not None:
        _validate_android(out, android)
    apns = message.get("apns")
    if apns is not None:
        _validate_apns(out, apns)
    if "webpush" in message and not isinstance(message["webpush"], dict):
        out.append(_type_error("message.webpush", message["webpush"], "TYPE_MESSAGE"))
    fcm_options = message.get("fcm_options")
    if fcm_options is not None:
        if not isinstance(fcm_options, dict):
            out.append(_type_error("message.fcm_options", fcm_options, "TYPE_MESSAGE"))
        elif "analytics_label" in fcm_options and not _ANALYTICS_LABEL.match(str(fcm_options["analytics_label"])):
            out.append(("message.fcm_options.analytics_label", "Invalid analytics label."))
    return out


def _validate_android(out: list[tuple[str, str]], android: Any) -> None:
    path = "message.android"
    if not isinstance(android, dict):
        out.append(_type_error(path, android, "TYPE_MESSAGE"))
        return
    _check_known(out, path, android, _ANDROID_FIELDS)
    _check_strings(out, path, android, frozenset({"collapse_key", "restricted_package_name"}))
    priority = android.get("priority")
    if priority is not None and (not isinstance(priority, str) or priority.upper() not in ("NORMAL", "HIGH")):
        out.append(_type_error(f"{path}.priority", priority, "TYPE_ENUM"))
    ttl = android.get("ttl")
    if ttl is not None and (not isinstance(ttl, str) or not _TTL.match(ttl)):
        out.append(_type_error(f"{path}.ttl", ttl, "type.googleapis.com/google.protobuf.Duration"))
    if "data" in android:
        _check_string_map(out, f"{path}.data", android["data"], data=True)
    notification = android.get("notification")
    if notification is not None:
        if not isinstance(notification, dict):
            out.append(_type_error(f"{path}.notification", notification, "TYPE_MESSAGE"))
        else:
            _check_strings(out, f"{path}.notification", notification, _ANDROID_NOTIFICATION_STRINGS)
            color = notification.get("color")
            if isinstance(color, str) and not _COLOR.match(color):
                out.append((f"{path}.notification.color", "Invalid color format, expected #rrggbb."))


def _validate_apns(out: list[tuple[str, str]], apns: Any) -> None:
    path = "message.apns"
    if not isinstance(apns, dict):
        out.append(_type_error(path, apns, "TYPE_MESSAGE"))
        return
    _check_known(out, path, apns, _APNS_FIELDS)
    headers = apns.get("headers")
    if headers is not None:
        _check_string_map(out, f"{path}.headers", headers)
        if isinstance(headers, dict):
            priority = headers.get("apns-priority")
            if isinstance(priority, str) and priority not in ("1", "5", "10"):
                out.append((f"{path}.headers", "Invalid apns-priority: must be 1, 5 or 10."))
            expiration = headers.get("apns-expiration")
            if isinstance(expiration, str) and not expiration.isdigit():
                out.append((f"{path}.headers", "Invalid apns-expiration: must be a UNIX epoch in seconds."))
    payload = apns.get("payload")
    if payload is not None:
        if not isinstance(payload, dict):
            out.append(_type_error(f"{path}.payload", payload, "type.googleapis.com/google.protobuf.Struct"))
        elif "aps" in payload and not isinstance(payload["aps"], dict):
            out.append((f"{path}.payload", "Invalid APNs payload: aps must be a dictionary."))
        elif isinstance(payload.get("aps"), dict):
            aps = payload["aps"]
            if "thread-id" in aps and not isinstance(aps["thread-id"], str):
                out.append((f"{path}.payload", "Invalid APNs payload: thread-id must be a string."))
            sound = aps.get("sound")
            if sound is not None and not isinstance(sound, str | dict):
                out.append((f"{path}.payload", "Invalid APNs payload: sound must be a string or a dictionary."))


# --- Configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenRule:
    """Tokens starting with ``prefix`` get FCM error ``code``: always, or for their first ``times`` requests."""

    prefix: str
    code: str
    times: int | None = None

    def __post_init__(self) -> None:
        if self.code not in ERRORS:
            raise ValueError(f"unknown FCM error code {self.code!r}; known: {', '.join(ERRORS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or null for always)")

    @classmethod
    def parse(cls, spec: str) -> TokenRule:
        """``PREFIX=CODE`` or ``PREFIX=CODE:TIMES`` (the command line's form)."""
        prefix, sep, rest = spec.partition("=")
        if not sep:
            raise ValueError(f"expected PREFIX=CODE[:TIMES], got {spec!r}")
        code, _, times = rest.partition(":")
        return cls(prefix, code.strip().upper(), int(times) if times else None)

    def as_dict(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "code": self.code, "times": self.times}


DEFAULT_TOKEN_RULES = (
    TokenRule("unregistered-", "UNREGISTERED"),
    TokenRule("invalid-", "INVALID_ARGUMENT"),
    TokenRule("sender-mismatch-", "SENDER_ID_MISMATCH"),
)


@dataclass(frozen=True)
class EmulatorConfig:
    token_errors: tuple[TokenRule, ...] = DEFAULT_TOKEN_RULES
    # Probability per send request of each of RANDOM_ERRORS (their sum must stay <= 1).
    error_rates: dict[str, float] = field(default_factory=dict)
    retry_after: int | None = 30  # seconds, on 429 and 503; None sends no Retry-After
    latency_ms: float = 0.0
    seed: int | None = None
    record_bodies: bool = True  # False keeps only token, id and time (for million-message runs)

    def __post_init__(self) -> None:
        for code, rate in self.error_rates.items():
            if code not in RANDOM_ERRORS:
                raise ValueError(f"error_rates takes {', '.join(RANDOM_ERRORS)}, not {code!r}")
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"error rate for {code} must be within [0, 1]")
        if sum(self.error_rates.values()) > 1.0:
            raise ValueError("error rates must not add up to more than 1")
        if self.latency_ms < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("latency_ms and retry_after must not be negative")

    def as_dict(self) -> dict[str, Any]:
        return {
            "token_errors": [rule.as_dict() for rule in self.token_errors],
            "error_rates": {code: self.error_rates.get(code, 0.0) for code in RANDOM_ERRORS},
            "retry_after": self.retry_after,
            "latency_ms": self.latency_ms,
            "seed": self.seed,
            "record_bodies": self.record_bodies,
        }

    def updated(self, changes: dict[str, Any]) -> EmulatorConfig:
        """A copy with the JSON ``changes`` applied (the control API's POST /_emulator/config)."""
        unknown = changes.keys() - self.as_dict().keys()
        if unknown:
            raise ValueError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        if "token_errors" in changes:
            rules = changes["token_errors"]
            if not isinstance(rules, list | tuple):
                raise ValueError("token_errors must be a list of {prefix, code, times}")
            kwargs["token_errors"] = tuple(
                r if isinstance(r, TokenRule) else TokenRule(str(r["prefix"]), str(r["code"]).upper(), r.get("times"))
                for r in rules
            )
        if "error_rates" in changes:
            rates = changes["error_rates"]
            if not isinstance(rates, dict):
                raise ValueError("error_rates must be an object")
            kwargs["error_rates"] = {str(k).upper(): float(v) for k, v in rates.items() if float(v) > 0}
        if "retry_after" in changes:
            kwargs["retry_after"] = None if changes["retry_after"] is None else int(changes["retry_after"])
        if "latency_ms" in changes:
            kwargs["latency_ms"] = float(changes["latency_ms"])
        if "seed" in changes:
            kwargs["seed"] = None if changes["seed"] is None else int(changes["seed"])
        if "record_bodies" in changes:
            kwargs["record_bodies"] = bool(changes["record_bodies"])
        return replace(self, **kwargs)

    def to_args(self) -> list[str]:
        """The command line that starts an emulator with this configuration."""
        args = ["--no-default-token-errors"]
        for rule in self.token_errors:
            spec = f"{rule.prefix}={rule.code}" + (f":{rule.times}" if rule.times else "")
            args += ["--token-error", spec]
        for code, rate in self.error_rates.items():
            args += [f"--{code.lower().replace('_', '-')}-rate", repr(rate)]
        args += ["--retry-after", "none" if self.retry_after is None else str(self.retry_after)]
        args += ["--latency-ms", repr(self.latency_ms)]
        if self.seed is not None:
            args += ["--seed", str(self.seed)]
        if not self.record_bodies:
            args.append("--no-record-bodies")
        return args


# --- The emulator's state and request handling ---------------------------------------------------

_JSON_HEADERS = b"Content-Type: application/json; charset=UTF-8\r\n"
_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 16 * 1024 * 1024
_SEND_PREFIX = "/v1/projects/"
_SEND_SUFFIX = "/messages:send"


@dataclass
class _Response:
    status: int
    body: bytes
    retry_after: int | None = None
    delay: float = 0.0


def _json(status: int, payload: Any, *, retry_after: int | None = None) -> _Response:
    return _Response(status, json.dumps(payload, separators=(",", ":")).encode(), retry_after)


class _Accepted(NamedTuple):
    target: str  # "token", "fid", "topic" or "condition"
    token: str
    message_id: str
    project: str
    time: float
    body: bytes | None  # the request body, unless record_bodies is off
    authorization: str | None
    connection: int  # serial number of the client connection it came on


class _Refused(NamedTuple):
    target: str
    token: str
    code: str
    status: int
    reason: str  # "rule" (token prefix), "injected" (random) or "payload"
    field: str  # the field violation's field, for INVALID_ARGUMENT
    time: float


class FCMEmulator:
    """State and request handling; every method runs on the event loop's thread."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.initial_config = config or EmulatorConfig()
        self.connections: set[_Connection] = set()
        self._apply(self.initial_config)
        self.clear()

    def _apply(self, config: EmulatorConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        rates = [(code, config.error_rates.get(code, 0.0)) for code in RANDOM_ERRORS]
        self._thresholds: list[tuple[float, str]] = []
        total = 0.0
        for code, rate in rates:
            if rate > 0:
                total += rate
                self._thresholds.append((total, code))
        self._rule_hits: Counter[tuple[str, str]] = Counter()

    def clear(self) -> None:
        self.messages: list[_Accepted] = []
        self.errors: list[_Refused] = []
        self.requests = 0
        self.validate_only = 0
        self.payload_errors = 0
        self.error_counts: Counter[str] = Counter()
        self.status_counts: Counter[int] = Counter()
        self.connections_opened = 0
        self._rule_hits = Counter()
        self._boot = int(time.time() * 1000)
        self._next_id = 0

    # -- the FCM endpoint --

    def handle(
        self, method: str, target: str, headers: dict[bytes, bytes], body: bytes, connection: int = 0
    ) -> _Response:
        path, _, query = target.partition("?")
        if path.startswith(_SEND_PREFIX) and path.endswith(_SEND_SUFFIX):
            project = path[len(_SEND_PREFIX) : -len(_SEND_SUFFIX)]
            if method != "POST":
                return _json(405, _plain_error(405, "INVALID_ARGUMENT", "Method not allowed."))
            if not project or "/" in project:
                return _json(404, _plain_error(404, "NOT_FOUND", "Requested entity was not found."))
            response = self._send(project, headers, body, connection)
            self.status_counts[response.status] += 1
            response.delay = self.config.latency_ms / 1000.0
            return response
        if path.startswith("/_emulator/"):
            return self._control(method, path, query, body)
        return _json(404, _plain_error(404, "NOT_FOUND", f"The requested URL {path} was not found on this server."))

    def _send(self, project: str, headers: dict[bytes, bytes], body: bytes, connection: int) -> _Response:
        self.requests += 1
        try:
            request = json.loads(body)
        except ValueError:
            return self._payload_error("", "", [("", "Invalid JSON payload received.")])
        if not isinstance(request, dict) or not isinstance(request.get("message"), dict):
            return self._payload_error("", "", [("message", "Invalid JSON payload received. message is required.")])
        unknown = request.keys() - {"message", "validate_only"}
        if unknown:
            name = sorted(unknown)[0]
            return self._payload_error("", "", [("", f'Invalid JSON payload received. Unknown name "{name}".')])
        message = request["message"]
        kind = next((name for name in TARGET_FIELDS if name in message), "")
        token = message.get(kind, "") if kind else ""
        token = token if isinstance(token, str) else ""
        violations = validate_message(message)
        if violations:
            return self._payload_error(kind, token, violations)

        if self._thresholds:
            draw = self._rng.random()
            for threshold, code in self._thresholds:
                if draw < threshold:
                    return self._error(kind, token, code, "injected")
        if kind in ("token", "fid"):
            if not token:
                return self._error(kind, token, "INVALID_ARGUMENT", "rule")
            for rule in self.config.token_errors:
                if token.startswith(rule.prefix):
                    if rule.times is not None:
                        key = (rule.prefix, token)
                        if self._rule_hits[key] >= rule.times:
                            break
                        self._rule_hits[key] += 1
                    return self._error(kind, token, rule.code, "rule")

        if request.get("validate_only") is True:
            self.validate_only += 1
            return _json(200, {"name": f"projects/{project}/messages/fake_message_id"})
        self._next_id += 1
        message_id = f"0:{self._boot}%{self._next_id:016x}"
        auth = headers.get(b"authorization")
        self.messages.append(
            _Accepted(
                kind,
                token,
                message_id,
                project,
                time.time(),
                body if self.config.record_bodies else None,
                auth.decode("latin-1") if auth is not None else None,
                connection,
            )
        )
        return _json(200, {"name": f"projects/{project}/messages/{message_id}"})

    def _error(self, kind: str, token: str, code: str, reason: str) -> _Response:
        error = ERRORS[code]
        violations: list[tuple[str, str]] = []
        if code == "INVALID_ARGUMENT":
            violations = [(f"message.{kind or 'token'}", INVALID_TOKEN_DESCRIPTION)]
        self.error_counts[code] += 1
        self.errors.append(
            _Refused(kind, token, code, error.status, reason, violations[0][0] if violations else "", time.time())
        )
        retry_after = self.config.retry_after if error.retry_after else None
        return _json(error.status, error_body(code, field_violations=violations), retry_after=retry_after)

    def _payload_error(self, kind: str, token: str, violations: list[tuple[str, str]]) -> _Response:
        self.payload_errors += 1
        self.error_counts["INVALID_ARGUMENT"] += 1
        first_field, first_description = violations[0]
        self.errors.append(_Refused(kind, token, "INVALID_ARGUMENT", 400, "payload", first_field, time.time()))
        body = error_body("INVALID_ARGUMENT", field_violations=violations, message=first_description)
        return _json(400, body)

    # -- the control API --

    def _control(self, method: str, path: str, query: str, body: bytes) -> _Response:
        params = urllib.parse.parse_qs(query)
        try:
            since = max(0, int(params.get("since", ["0"])[0]))
            limit = min(10_000, max(1, int(params.get("limit", ["1000"])[0])))
        except ValueError:
            return _json(400, {"error": "since and limit must be integers"})
        route = (method, path.rstrip("/"))
        if route == ("GET", "/_emulator/health"):
            return _json(200, {"ok": True})
        if route == ("GET", "/_emulator/config"):
            return _json(200, self.config.as_dict())
        if route == ("POST", "/_emulator/config"):
            try:
                changes = json.loads(body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("expected a JSON object")
                self._apply(self.config.updated(changes))
            except (ValueError, TypeError, KeyError) as exc:
                return _json(400, {"error": str(exc)})
            return _json(200, self.config.as_dict())
        if route == ("POST", "/_emulator/reset"):
            self._apply(self.initial_config)
            self.clear()
            return _json(200, self.config.as_dict())
        if route == ("GET", "/_emulator/messages"):
            page = self.messages[since : since + limit]
            return _json(
                200,
                {
                    "total": len(self.messages),
                    "next": since + len(page),
                    "messages": [self._message_json(since + i, record) for i, record in enumerate(page)],
                },
            )
        if route == ("DELETE", "/_emulator/messages"):
            self.clear()
            return _json(200, {"ok": True})
        if route == ("GET", "/_emulator/errors"):
            errors = self.errors[since : since + limit]
            return _json(
                200,
                {
                    "total": len(self.errors),
                    "next": since + len(errors),
                    "errors": [{"index": since + i, **error._asdict()} for i, error in enumerate(errors)],
                },
            )
        if route == ("GET", "/_emulator/stats"):
            return _json(200, self.stats())
        return _json(404, {"error": f"no control route {method} {path}"})

    @staticmethod
    def _message_json(index: int, record: _Accepted) -> dict[str, Any]:
        return {
            "index": index,
            "target": record.target,
            "token": record.token,
            "message_id": record.message_id,
            "name": f"projects/{record.project}/messages/{record.message_id}",
            "time": record.time,
            "authorization": record.authorization,
            "connection": record.connection,
            "message": json.loads(record.body)["message"] if record.body is not None else None,
        }

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "accepted": len(self.messages),
            "validate_only": self.validate_only,
            "errors": dict(self.error_counts),
            "payload_errors": self.payload_errors,
            "statuses": {str(k): v for k, v in sorted(self.status_counts.items())},
            "connections_opened": self.connections_opened,
            "connections_open": len(self.connections),
        }


# --- HTTP/1.1 -----------------------------------------------------------------------------------


def _render(response: _Response, keep_alive: bool) -> bytes:
    status = response.status
    head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode(), _JSON_HEADERS]
    head.append(b"Content-Length: %d\r\n" % len(response.body))
    if response.retry_after is not None:
        head.append(b"Retry-After: %d\r\n" % response.retry_after)
    if not keep_alive:
        head.append(b"Connection: close\r\n")
    head.append(b"\r\n")
    head.append(response.body)
    return b"".join(head)


class _Connection(asyncio.Protocol):
    """One client connection: parses requests in order, answers them in order."""

    def __init__(self, emulator: FCMEmulator, loop: asyncio.AbstractEventLoop) -> None:
        self._emulator = emulator
        self._loop = loop
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._waiting = False  # a delayed response is pending; later requests wait for it
        self._serial = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._emulator.connections.add(self)
        self._emulator.connections_opened += 1
        self._serial = self._emulator.connections_opened

    def connection_lost(self, exc: Exception | None) -> None:
        self._emulator.connections.discard(self)
        self._transport = None

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._waiting:
            self._process()

    def _process(self) -> None:
        buffer = self._buffer
        while self._transport is not None and not self._waiting:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEAD_BYTES:
                    self._reply(_json(431, {"error": "request head too large"}), keep_alive=False)
                return
            lines = bytes(buffer[:end]).split(b"\r\n")
            try:
                method, target, version = lines[0].decode("latin-1").split(" ")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get(b"content-length", b"0"))
            except ValueError:
                self._reply(_json(400, {"error": "malformed request"}), keep_alive=False)
                return
            if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
                self._reply(_json(411, {"error": "send a Content-Length"}), keep_alive=False)
                return
            if length > _MAX_BODY_BYTES:
                self._reply(_json(413, {"error": "body too large"}), keep_alive=False)
                return
            total = end + 4 + length
            if len(buffer) < total:
                if headers.get(b"expect", b"").lower() == b"100-continue" and len(buffer) == end + 4:
                    self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return
            body = bytes(buffer[end + 4 : total])
            del buffer[:total]
            connection = headers.get(b"connection", b"").lower()
            keep_alive = connection != b"close" if version == "HTTP/1.1" else connection == b"keep-alive"
            response = self._emulator.handle(method, target, headers, body, self._serial)
            if response.delay > 0:
                self._waiting = True
                self._transport.pause_reading()
                self._loop.call_later(response.delay, self._reply_later, response, keep_alive)
                return
            self._reply(response, keep_alive)

    def _reply(self, response: _Response, keep_alive: bool) -> None:
        if self._transport is None:
            return
        self._transport.write(_render(response, keep_alive))
        if not keep_alive:
            self._transport.close()
            self._transport = None

    def _reply_later(self, response: _Response, keep_alive: bool) -> None:
        self._waiting = False
        self._reply(response, keep_alive)
        if self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()
            self._process()


async def serve(
    emulator: FCMEmulator, host: str = "127.0.0.1", port: int = 9099, *, backlog: int = 1024
) -> asyncio.Server:
    """Start serving ``emulator`` on the running loop; the server's socket gives the bound port."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: _Connection(emulator, loop), host, port, backlog=backlog, reuse_address=True
    )


# --- Running it from Python ----------------------------------------------------------------------


class EmulatorError(RuntimeError):
    pass


class EmulatorClient:
    """The control API, for tests, the end-to-end test and benchmarks."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310 (our own URL)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise EmulatorError(f"{method} {path}: {exc.code} {exc.read().decode(errors='replace')}") from exc

    def health(self) -> bool:
        return bool(self._call("GET", "/_emulator/health").get("ok"))

    def config(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_emulator/config"))

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change part of the configuration: token_errors, error_rates, retry_after, latency_ms, seed..."""
        return dict(self._call("POST", "/_emulator/config", changes))

    def reset(self) -> dict[str, Any]:
        """Back to the start-up configuration, with messages, errors and counters cleared."""
        return dict(self._call("POST", "/_emulator/reset", {}))

    def clear(self) -> None:
        self._call("DELETE", "/_emulator/messages")

    def stats(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_emulator/stats"))

    def messages(self, since: int = 0, limit: int = 1000) -> dict[str, Any]:
        """One page: ``{"total", "next", "messages": [{"index", "token", "message_id", "message", ...}]}``."""
        return dict(self._call("GET", f"/_emulator/messages?since={since}&limit={limit}"))

    def all_messages(self, since: int = 0) -> list[dict[str, Any]]:
        return self._all(self.messages, "messages", since)

    def errors(self, since: int = 0, limit: int = 1000) -> dict[str, Any]:
        return dict(self._call("GET", f"/_emulator/errors?since={since}&limit={limit}"))

    def all_errors(self, since: int = 0) -> list[dict[str, Any]]:
        return self._all(self.errors, "errors", since)

    @staticmethod
    def _all(fetch: Callable[..., dict[str, Any]], key: str, since: int) -> list[dict[str, Any]]:
        """Every record from ``since`` on, a page at a time."""
        out: list[dict[str, Any]] = []
        while True:
            page = fetch(since=since, limit=10_000)
            out.extend(page[key])
            if page["next"] >= page["total"] or not page[key]:
                return out
            since = page["next"]

    def wait_for_messages(self, count: int, *, timeout: float = 30.0, interval: float = 0.05) -> list[dict[str, Any]]:
        """Poll until at least ``count`` messages were accepted; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            total = self.messages(limit=1)["total"]
            if total >= count:
                return self.all_messages()
            if time.monotonic() > deadline:
                raise EmulatorError(f"expected {count} messages, got {total} within {timeout}s")
            time.sleep(interval)


class EmulatorServer:
    """The emulator on a background thread of this process.

    ``with EmulatorServer() as emulator: ... emulator.url ... emulator.client.stats()``
    """

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, config: EmulatorConfig | None = None, **options: Any
    ) -> None:
        base = config or EmulatorConfig()
        self.emulator = FCMEmulator(base.updated(options) if options else base)
        self.host = host
        self._requested_port = port
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def client(self) -> EmulatorClient:
        return EmulatorClient(self.url)

    def start(self) -> EmulatorServer:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fcm-emulator", daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(serve(self.emulator, self.host, self._requested_port), loop)
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def shutdown() -> None:
            server.close()
            for connection in list(self.emulator.connections):
                connection.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        loop.close()
        self._loop = self._server = self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmulatorProcess:
    """The emulator as a child process (``python -m notifications.emulator``), for benchmarks."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        config: EmulatorConfig | None = None,
        python: str = sys.executable,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.host = host
        self.port = port
        self._args = [python, "-m", "notifications.emulator", "--host", host, "--port", str(port)]
        self._args += (config or EmulatorConfig()).to_args() + list(extra_args)
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def client(self) -> EmulatorClient:
        return EmulatorClient(self.url)

    def start(self) -> EmulatorProcess:
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            self._args, cwd=root, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://[^:]+:(\d+)", line)
        if match is None:
            self.stop()
            raise EmulatorError(f"the emulator did not start: {line!r}")
        self.port = int(match.group(1))
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def start_emulator(
    *, port: int = 0, process: bool = False, **options: Any
) -> Iterator[EmulatorServer | EmulatorProcess]:
    """Run an emulator for the duration of a ``with`` block, in a thread or (``process=True``) a child process."""
    config = EmulatorConfig().updated(options) if options else EmulatorConfig()
    handle: EmulatorServer | EmulatorProcess
    handle = EmulatorProcess(port=port, config=config) if process else EmulatorServer(port=port, config=config)
    with handle:
        yield handle


# --- Command line -------------------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, EmulatorConfig]:
    parser = argparse.ArgumentParser(
        prog="python -m notifications.emulator",
        description="A loopback FCM HTTP v1 emulator (control API under /_emulator/).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9099, help="0 picks a free port (printed on start)")
    parser.add_argument(
        "--token-error",
        action="append",
        default=[],
        metavar="PREFIX=CODE[:TIMES]",
        help=f"tokens starting with PREFIX get error CODE ({', '.join(ERRORS)}), always or for their first TIMES "
        "requests; repeatable",
    )
    parser.add_argument(
        "--no-default-token-errors",
        action="store_true",
        help="drop the default rules (" + ", ".join(f"{r.prefix}*={r.code}" for r in DEFAULT_TOKEN_RULES) + ")",
    )
    for code in RANDOM_ERRORS:
        flag = f"--{code.lower().replace('_', '-')}-rate"
        parser.add_argument(flag, type=float, default=0.0, metavar="P", help=f"probability of {code} per request")
    parser.add_argument("--retry-after", default="30", help="seconds sent in Retry-After on 429/503, or 'none'")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added before each send answer")
    parser.add_argument("--seed", type=int, default=None, help="seed of the error-injection RNG")
    parser.add_argument("--no-record-bodies", action="store_true", help="record tokens and ids only")
    args = parser.parse_args(argv)
    try:
        rules: tuple[TokenRule, ...] = () if args.no_default_token_errors else DEFAULT_TOKEN_RULES
        rules += tuple(TokenRule.parse(spec) for spec in args.token_error)
        config = EmulatorConfig(
            token_errors=rules,
            error_rates={code: rate for code in RANDOM_ERRORS if (rate := getattr(args, f"{code.lower()}_rate")) > 0},
            retry_after=None if args.retry_after.lower() == "none" else int(args.retry_after),
            latency_ms=args.latency_ms,
            seed=args.seed,
            record_bodies=not args.no_record_bodies,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return args, config


def main(argv: Sequence[str] | None = None) -> None:
    args, config = _parse_args(argv)

    async def run() -> None:
        server = await serve(FCMEmulator(config), args.host, args.port)
        port = server.sockets[0].getsockname()[1]
        print(f"FCM emulator listening on http://{args.host}:{port}", flush=True)
        async with server:
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
