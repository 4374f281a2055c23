"""A loopback FCM HTTP v1 emulator for development, tests and benchmarks.

Run ``python -m devtools.fcm_emulator --port 9099`` (no Django needed) and set
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
- Firebase App Check test keys (``app_check``): ``GET /v1/jwks`` serves the public key of an RSA key the
  emulator makes on first use, at the path Google serves App Check's keys, so firebase-admin's
  ``app_check.verify_token`` fetches it over HTTP (``APP_CHECK_ENDPOINT=http://127.0.0.1:9099``).

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
- ``POST app-check/token`` with ``{"app_id", "project_id", "project_number", "ttl_seconds"?, "audience"?,
  "issuer"?}``: ``{"token", "ttl", "kid"}``, an App Check token as Google's (RS256, ``iss``
  ``https://firebaseappcheck.googleapis.com/<number>``, ``aud`` ``projects/<number>`` and
  ``projects/<id>``, ``sub`` the app id); a negative ttl is an expired one, ``audience`` and ``issuer``
  replace the real claims

From Python: ``EmulatorServer`` runs it on a background thread of this process,
``EmulatorProcess`` as a child process (for benchmarks and multi-process tests); both have
``.url`` and ``.client`` (an ``EmulatorClient`` for the control API).

Modules: ``fcm_errors`` (FCM's error bodies), ``validation`` (what FCM refuses in a message),
``config`` (error injection), ``app_check`` (the App Check test key and tokens), ``emulator`` (state
and answers, no I/O), ``server`` (HTTP/1.1 on one asyncio event loop, parsed by ``httptools``,
uvicorn's C parser: keep-alive, pipelining with answers in order, ``Expect: 100-continue``, chunked
bodies; a head over 64 KiB is a 431, a body over 16 MiB a 413, a malformed request a 400 that closes
the connection), ``client`` (running it and talking to its control API). It imports nothing of
Django or of the apps: the apps never depend on it.
"""

from devtools.fcm_emulator.client import (
    EmulatorClient,
    EmulatorError,
    EmulatorProcess,
    EmulatorServer,
    start_emulator,
)
from devtools.fcm_emulator.config import DEFAULT_TOKEN_RULES, EmulatorConfig, TokenRule
from devtools.fcm_emulator.emulator import FCMEmulator
from devtools.fcm_emulator.fcm_errors import ERRORS, RANDOM_ERRORS, error_body
from devtools.fcm_emulator.validation import validate_message

__all__ = [
    "DEFAULT_TOKEN_RULES",
    "ERRORS",
    "RANDOM_ERRORS",
    "EmulatorClient",
    "EmulatorConfig",
    "EmulatorError",
    "EmulatorProcess",
    "EmulatorServer",
    "FCMEmulator",
    "TokenRule",
    "error_body",
    "start_emulator",
    "validate_message",
]
