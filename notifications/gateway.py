"""The FCM gateway: the only code that talks to Firebase Cloud Messaging.

Everything goes through the real firebase-admin SDK (``messaging.send_each``), which builds
and sends the real FCM HTTP v1 requests. Settings choose where they go:

- ``FCM_ENDPOINT``: Google's ``https://fcm.googleapis.com`` in production, or the project's
  loopback emulator (``python -m devtools.fcm_emulator``) for development, tests and
  benchmarks. The gateway sends to ``{FCM_ENDPOINT}/v1/projects/{FCM_PROJECT_ID}/messages:send``.
- ``FCM_CREDENTIALS`` (a service-account JSON file; ``GOOGLE_APPLICATION_CREDENTIALS`` by
  default, else Application Default Credentials): used for Google's endpoint only. Any other
  endpoint gets anonymous credentials, so no Google token is fetched or ever sent elsewhere.
- ``FCM_POOL_SIZE``: connections to FCM, which is also the send concurrency (see below).
"""

from __future__ import annotations

import email.utils
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import firebase_admin
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from firebase_admin import credentials, exceptions, messaging
from google.auth.credentials import AnonymousCredentials
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from backend.per_process import PerProcess
from notifications.messages import PushMessage, build_message

logger = logging.getLogger(__name__)

GOOGLE_FCM_ENDPOINT = "https://fcm.googleapis.com"
MAX_BATCH = 500  # messaging.send_each's limit
QUOTA_MIN_RETRY_AFTER_SECONDS = 60.0

# Worth retrying later, with backoff; every other error is permanent for that message.
TRANSIENT_ERROR_CODES = frozenset({"UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED", "UNKNOWN", "DEADLINE_EXCEEDED"})
# The token itself is dead: the device is deactivated at once.
TOKEN_ERROR_CODES = frozenset({"UNREGISTERED", "SENDER_ID_MISMATCH"})
# FCM names the target field in an INVALID_ARGUMENT's BadRequest details when the token is at fault.
TOKEN_FIELDS = frozenset({"message.token", "message.fid"})

_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_FCM_ERROR_CLASSES: tuple[tuple[type[exceptions.FirebaseError], str], ...] = (
    (messaging.UnregisteredError, "UNREGISTERED"),
    (messaging.SenderIdMismatchError, "SENDER_ID_MISMATCH"),
    (messaging.QuotaExceededError, "QUOTA_EXCEEDED"),
    (messaging.ThirdPartyAuthError, "THIRD_PARTY_AUTH_ERROR"),
)


@dataclass(frozen=True, kw_only=True)
class SendResult:
    """What FCM answered for one message.

    ``permanent``: retrying will never work for this message (only transient errors, in
    ``TRANSIENT_ERROR_CODES``, are worth a retry). ``token_invalid``: the token is dead
    (UNREGISTERED, SENDER_ID_MISMATCH, or INVALID_ARGUMENT naming the token field) and the
    device must be deactivated; a payload error is never a token error. ``retry_after``:
    seconds FCM asked us to wait (Retry-After), at least 60 for QUOTA_EXCEEDED.
    """

    token: str
    ok: bool
    message_id: str | None = None
    error_code: str | None = None
    error_message: str = ""
    permanent: bool = False
    token_invalid: bool = False
    retry_after: float | None = None
    http_status: int | None = None


class _EmulatorCredentials(AnonymousCredentials):
    """No Authorization header, and nothing to refresh.

    The SDK's session refreshes credentials when it gets a 401 (FCM's THIRD_PARTY_AUTH_ERROR);
    plain ``AnonymousCredentials`` would raise there instead of letting the error through.
    """

    def refresh(self, request: Any) -> None:
        return None


def _is_google(endpoint: str) -> bool:
    host = urlsplit(endpoint).hostname or ""
    return host == "googleapis.com" or host.endswith(".googleapis.com")


class FCMGateway:
    """One firebase-admin App, configured for one FCM endpoint, with a single ``send``.

    The SDK has no public option for the FCM endpoint or the connection pool: its messaging
    service formats Google's URL into ``_fcm_url`` when it is created, and mounts a
    100-connection adapter for ``https://fcm.googleapis.com`` only (any other host gets
    requests' default pool of 10). So right after the App is created the gateway sets those
    two things on the SDK's own service object, and nothing else: the SDK still encodes,
    authenticates, sends and maps the errors. It checks the attributes exist, so an SDK
    upgrade that moves them fails here at start-up rather than sending to the wrong place.

    Concurrency: ``send_each`` runs one thread per message (up to 500); the adapter's pool is
    ``pool_size`` connections and blocks when all are busy, so at most ``pool_size`` requests
    are in flight, connections are all reused (no "Connection pool is full" churn), and
    ``pool_size`` is the one knob for the send concurrency.

    Retries: the SDK's default retries 500/503 up to 4 times inside the call, sleeping for any
    Retry-After (a worker blocked for minutes, and errors hidden from the caller). The gateway
    keeps the SDK's single retry of connection and read errors and turns status retries off:
    every HTTP error comes back in a ``SendResult`` with its ``retry_after`` and the caller
    schedules the retry.
    """

    def __init__(
        self,
        *,
        project_id: str,
        endpoint: str = GOOGLE_FCM_ENDPOINT,
        credentials_path: str = "",
        pool_size: int = 100,
        timeout: float = 15.0,
    ) -> None:
        if pool_size < 1:
            raise ImproperlyConfigured("FCM_POOL_SIZE must be at least 1")
        self.endpoint = endpoint.rstrip("/")
        self.pool_size = pool_size
        credential: credentials.Base | AnonymousCredentials
        if not _is_google(self.endpoint):
            credential = _EmulatorCredentials()
        elif credentials_path:
            credential = credentials.Certificate(credentials_path)
        else:
            credential = credentials.ApplicationDefault()
        options: dict[str, Any] = {"httpTimeout": timeout}
        if project_id:
            options["projectId"] = project_id
        self.app = firebase_admin.initialize_app(credential, options, name=f"newsline-fcm-{uuid.uuid4().hex[:12]}")
        try:
            self.project_id = self.app.project_id
            if not self.project_id:
                raise ImproperlyConfigured("FCM_PROJECT_ID is not set and the credentials name no project")
            self.send_url = f"{self.endpoint}/v1/projects/{self.project_id}/messages:send"
            self._configure_sdk()
        except BaseException:
            firebase_admin.delete_app(self.app)
            raise

    def _configure_sdk(self) -> None:
        service = messaging._get_messaging_service(self.app)
        client = getattr(service, "_client", None)
        if not isinstance(getattr(service, "_fcm_url", None), str) or not isinstance(
            getattr(client, "session", None), requests.Session
        ):
            raise ImproperlyConfigured(
                f"firebase-admin {firebase_admin.__version__} no longer has the messaging service attributes the "
                "FCM gateway configures (_fcm_url, _client.session); pin the tested version or adapt the gateway"
            )
        service._fcm_url = self.send_url
        retries = Retry(
            total=None,
            connect=1,
            read=1,
            status=0,
            other=0,
            redirect=0,
            allowed_methods=None,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=self.pool_size, pool_block=True, max_retries=retries)
        self.session: requests.Session = client.session  # type: ignore[union-attr]
        self.session.mount(self.endpoint + "/", adapter)

    @classmethod
    def from_settings(cls) -> FCMGateway:
        return cls(
            project_id=settings.FCM_PROJECT_ID,
            endpoint=settings.FCM_ENDPOINT,
            credentials_path=settings.FCM_CREDENTIALS,
            pool_size=settings.FCM_POOL_SIZE,
            timeout=settings.FCM_TIMEOUT_SECONDS,
        )

    @classmethod
    def default(cls) -> FCMGateway:
        """The process's gateway for the current settings (recreated when they change, or after a fork)."""
        return _DEFAULT.get()

    def close(self) -> None:
        """Delete the App and close its connections."""
        self.session.close()
        firebase_admin.delete_app(self.app)

    def send(self, messages: Sequence[PushMessage]) -> list[SendResult]:
        """Send each message (at most 500) with one ``messaging.send_each``; one result per message, in order.

        Never raises for what FCM answers: every outcome, network failures included, is a
        ``SendResult``. This is the only network call the notifications code makes.
        """
        if len(messages) > MAX_BATCH:
            raise ValueError(f"send takes at most {MAX_BATCH} messages, got {len(messages)}")
        results: list[SendResult | None] = [None] * len(messages)
        built: list[messaging.Message] = []
        positions: list[int] = []
        now = time.time()
        for position, push in enumerate(messages):
            if not push.token:
                results[position] = SendResult(
                    token=push.token,
                    ok=False,
                    error_code="INVALID_ARGUMENT",
                    error_message="empty registration token",
                    permanent=True,
                    token_invalid=True,
                )
                continue
            built.append(build_message(push, now=now))
            positions.append(position)
        if built:
            try:
                batch = messaging.send_each(built, app=self.app)
            except exceptions.FirebaseError as error:  # the SDK's thread pool itself failed
                logger.warning("FCM send_each failed as a whole: %s", error)
                for position in positions:
                    results[position] = result_from_error(messages[position].token, error)
            else:
                for position, response in zip(positions, batch.responses, strict=True):
                    token = messages[position].token
                    if response.success:
                        results[position] = SendResult(token=token, ok=True, message_id=response.message_id)
                    else:
                        results[position] = result_from_error(token, response.exception)
        return [result for result in results if result is not None]


def result_from_error(token: str, error: BaseException | None) -> SendResult:
    """Classify one failed send from the SDK's exception and, when there is one, FCM's HTTP answer."""
    if not isinstance(error, exceptions.FirebaseError):
        return SendResult(token=token, ok=False, error_code="UNKNOWN", error_message=repr(error))
    response = error.http_response
    fcm_code, fields = _error_details(response)
    code = next((name for cls, name in _FCM_ERROR_CLASSES if isinstance(error, cls)), None)
    code = code or fcm_code or str(error.code)
    token_invalid = code in TOKEN_ERROR_CODES or (code == "INVALID_ARGUMENT" and not TOKEN_FIELDS.isdisjoint(fields))
    retry_after = _retry_after(response)
    if code == "QUOTA_EXCEEDED":
        retry_after = max(retry_after or 0.0, QUOTA_MIN_RETRY_AFTER_SECONDS)
    return SendResult(
        token=token,
        ok=False,
        error_code=code,
        error_message=str(error),
        permanent=code not in TRANSIENT_ERROR_CODES,
        token_invalid=token_invalid,
        retry_after=retry_after,
        http_status=getattr(response, "status_code", None),
    )


def _error_details(response: Any) -> tuple[str | None, set[str]]:
    """FCM's errorCode and the fields named by BadRequest violations, from an error response body."""
    if response is None:
        return None, set()
    try:
        body = response.json()
    except ValueError:
        return None, set()
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    fcm_code: str | None = None
    fields: set[str] = set()
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        if detail.get("@type") == _FCM_ERROR_TYPE and fcm_code is None:
            fcm_code = detail.get("errorCode")
        elif detail.get("@type") == _BAD_REQUEST_TYPE:
            for violation in detail.get("fieldViolations") or []:
                if isinstance(violation, dict) and isinstance(violation.get("field"), str):
                    fields.add(violation["field"])
    return fcm_code, fields


def _retry_after(response: Any) -> float | None:
    """Retry-After in seconds (a number of seconds or an HTTP date), or None."""
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


_DEFAULT = PerProcess(
    FCMGateway.from_settings,
    settings_key=lambda: (
        settings.FCM_PROJECT_ID,
        settings.FCM_ENDPOINT,
        settings.FCM_CREDENTIALS,
        settings.FCM_POOL_SIZE,
        settings.FCM_TIMEOUT_SECONDS,
    ),
)
