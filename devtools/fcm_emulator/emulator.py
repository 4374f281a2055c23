"""The emulator's state: what it accepted and refused, and how it answers each request (no I/O here)."""

from __future__ import annotations

import json
import random
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from devtools.fcm_emulator.app_check import JWKS_PATH, AppCheckKeys
from devtools.fcm_emulator.config import EmulatorConfig
from devtools.fcm_emulator.fcm_errors import (
    ERRORS,
    INVALID_TOKEN_DESCRIPTION,
    RANDOM_ERRORS,
    TARGET_FIELDS,
    error_body,
    plain_error,
)
from devtools.fcm_emulator.validation import validate_message

_SEND_PREFIX = "/v1/projects/"
_SEND_SUFFIX = "/messages:send"


@dataclass
class Response:
    status: int
    body: bytes
    retry_after: int | None = None
    delay: float = 0.0


def json_response(status: int, payload: Any, *, retry_after: int | None = None) -> Response:
    return Response(status, json.dumps(payload, separators=(",", ":")).encode(), retry_after)


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
        self.connections: set[Any] = set()  # the open client connections (server.py), each with close()
        self.app_check = AppCheckKeys()  # App Check's test key: kept across resets, made on first use
        self._name_prefixes: dict[str, bytes] = {}
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
    ) -> Response:
        path, _, query = target.partition("?")
        if path.startswith(_SEND_PREFIX) and path.endswith(_SEND_SUFFIX):
            project = path[len(_SEND_PREFIX) : -len(_SEND_SUFFIX)]
            if method != "POST":
                return json_response(405, plain_error(405, "INVALID_ARGUMENT", "Method not allowed."))
            if not project or "/" in project:
                return json_response(404, plain_error(404, "NOT_FOUND", "Requested entity was not found."))
            response = self._send(project, headers, body, connection)
            self.status_counts[response.status] += 1
            response.delay = self.config.latency_ms / 1000.0
            return response
        if path.startswith("/_emulator/"):
            return self._control(method, path, query, body)
        if path == JWKS_PATH:
            if method != "GET":
                return json_response(405, plain_error(405, "INVALID_ARGUMENT", "Method not allowed."))
            return json_response(200, self.app_check.jwks())
        return json_response(
            404, plain_error(404, "NOT_FOUND", f"The requested URL {path} was not found on this server.")
        )

    def _send(self, project: str, headers: dict[bytes, bytes], body: bytes, connection: int) -> Response:
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
            return json_response(200, {"name": f"projects/{project}/messages/fake_message_id"})
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
        return Response(200, self._name_prefix(project) + message_id.encode() + b'"}')

    def _name_prefix(self, project: str) -> bytes:
        """``{"name":"projects/{project}/messages/`` as ``json_response`` would write it, cached per project.

        The accepted answer is the emulator's hot path, and json.dumps per request was a tenth of it;
        message ids need no escaping, the project might. The cache is bounded: projects come from URLs.
        """
        prefix = self._name_prefixes.get(project)
        if prefix is None:
            prefix = json_response(200, {"name": f"projects/{project}/messages/"}).body[: -len(b'"}')]
            if len(self._name_prefixes) < 64:
                self._name_prefixes[project] = prefix
        return prefix

    def _error(self, kind: str, token: str, code: str, reason: str) -> Response:
        error = ERRORS[code]
        violations: list[tuple[str, str]] = []
        if code == "INVALID_ARGUMENT":
            violations = [(f"message.{kind or 'token'}", INVALID_TOKEN_DESCRIPTION)]
        self.error_counts[code] += 1
        self.errors.append(
            _Refused(kind, token, code, error.status, reason, violations[0][0] if violations else "", time.time())
        )
        retry_after = self.config.retry_after if error.retry_after else None
        return json_response(error.status, error_body(code, field_violations=violations), retry_after=retry_after)

    def _payload_error(self, kind: str, token: str, violations: list[tuple[str, str]]) -> Response:
        self.payload_errors += 1
        self.error_counts["INVALID_ARGUMENT"] += 1
        first_field, first_description = violations[0]
        self.errors.append(_Refused(kind, token, "INVALID_ARGUMENT", 400, "payload", first_field, time.time()))
        body = error_body("INVALID_ARGUMENT", field_violations=violations, message=first_description)
        return json_response(400, body)

    # -- the control API --

    def _control(self, method: str, path: str, query: str, body: bytes) -> Response:
        params = urllib.parse.parse_qs(query)
        try:
            since = max(0, int(params.get("since", ["0"])[0]))
            limit = min(10_000, max(1, int(params.get("limit", ["1000"])[0])))
        except ValueError:
            return json_response(400, {"error": "since and limit must be integers"})
        route = (method, path.rstrip("/"))
        if route == ("GET", "/_emulator/health"):
            return json_response(200, {"ok": True})
        if route == ("GET", "/_emulator/config"):
            return json_response(200, self.config.as_dict())
        if route == ("POST", "/_emulator/config"):
            try:
                changes = json.loads(body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("expected a JSON object")
                self._apply(self.config.updated(changes))
            except (ValueError, TypeError, KeyError) as exc:
                return json_response(400, {"error": str(exc)})
            return json_response(200, self.config.as_dict())
        if route == ("POST", "/_emulator/reset"):
            self._apply(self.initial_config)
            self.clear()
            return json_response(200, self.config.as_dict())
        if route == ("GET", "/_emulator/messages"):
            page = self.messages[since : since + limit]
            return json_response(
                200,
                {
                    "total": len(self.messages),
                    "next": since + len(page),
                    "messages": [self._message_json(since + i, record) for i, record in enumerate(page)],
                },
            )
        if route == ("DELETE", "/_emulator/messages"):
            self.clear()
            return json_response(200, {"ok": True})
        if route == ("GET", "/_emulator/errors"):
            errors = self.errors[since : since + limit]
            return json_response(
                200,
                {
                    "total": len(self.errors),
                    "next": since + len(errors),
                    "errors": [{"index": since + i, **error._asdict()} for i, error in enumerate(errors)],
                },
            )
        if route == ("GET", "/_emulator/stats"):
            return json_response(200, self.stats())
        if route == ("POST", "/_emulator/app-check/token"):
            try:
                return json_response(200, self.app_check.mint_from_json(json.loads(body or b"{}")))
            except ValueError as exc:
                return json_response(400, {"error": str(exc)})
        return json_response(404, {"error": f"no control route {method} {path}"})

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
