"""FCM's error answers: the errorCode each failure carries and the body Google's front end sends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


def plain_error(status: int, grpc_status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": grpc_status}}
