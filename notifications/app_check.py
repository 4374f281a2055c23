"""Firebase App Check: proof that a request comes from the publisher's own app on a real device.

Off unless ``APP_CHECK_REQUIRED``. When on, device registration (``notifications.devices``) and
beacons from installs that have no device secret (the events API) must carry the header
``X-Firebase-AppCheck: <token>``, the token the app's App Check SDK gets from Play Integrity or App
Attest. firebase-admin verifies it (``app_check.verify_token``): RS256 signature against App Check's
public keys, ``typ``/``alg`` headers, issuer, audience ``projects/<FCM_PROJECT_ID>``, expiry. On
top of that, ``APP_CHECK_APP_IDS`` (when set) names the Firebase apps accepted.

Where the keys come from: the SDK's App Check service fetches them from its class constant
``_AppCheckService._JWKS_URL`` (Google's ``https://firebaseappcheck.googleapis.com/v1/jwks``) through a
``PyJWKClient`` it builds when the service is created. There is no public option for that URL, so,
as the FCM gateway does with the send URL, the verifier gives its own App's service a ``PyJWKClient``
for ``{APP_CHECK_ENDPOINT}/v1/jwks`` right after creating the App (same 6-hour key cache, same
headers, the FCM timeout) and changes nothing else: the SDK still fetches, verifies and raises. The
class constant is left alone, so no other App is affected. It checks the attributes exist, so an SDK
upgrade that moves them fails at the first verification rather than trusting the wrong keys.
The loopback emulator (``devtools.fcm_emulator``) serves ``/v1/jwks`` and mints test tokens.

Only public keys are fetched: the App gets anonymous credentials and never sends a Google token.
"""

from __future__ import annotations

import uuid

import firebase_admin
import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from firebase_admin import app_check
from google.auth.credentials import AnonymousCredentials

from backend.per_process import PerProcess

APP_CHECK_HEADER = "X-Firebase-AppCheck"
GOOGLE_APP_CHECK_ENDPOINT = "https://firebaseappcheck.googleapis.com"
JWKS_LIFESPAN_SECONDS = 6 * 3600  # what the SDK uses: Google rotates the keys, and says to cache them 6 hours
MAX_TOKEN_LENGTH = 8192  # real tokens are about 1 KB; anything longer is not parsed


class AppCheckFailed(Exception):
    """No App Check token, or one that is not valid for this project (or app): refuse the request."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


class AppCheckUnavailable(Exception):
    """App Check's public keys could not be fetched: no token can be verified right now."""


class AppCheckVerifier:
    """One firebase-admin App for App Check verification, against the keys at ``endpoint``."""

    def __init__(
        self,
        *,
        project_id: str,
        endpoint: str = GOOGLE_APP_CHECK_ENDPOINT,
        app_ids: tuple[str, ...] = (),
        timeout: float = 15.0,
    ) -> None:
        if not project_id:
            raise ImproperlyConfigured("App Check needs the Firebase project: set FCM_PROJECT_ID")
        self.endpoint = endpoint.rstrip("/")
        self.jwks_url = f"{self.endpoint}/v1/jwks"
        self.app_ids = frozenset(app_ids)
        self.app = firebase_admin.initialize_app(
            AnonymousCredentials(),
            {"projectId": project_id, "httpTimeout": timeout},
            name=f"newsline-app-check-{uuid.uuid4().hex[:12]}",
        )
        try:
            self._configure_sdk(timeout)
        except BaseException:
            firebase_admin.delete_app(self.app)
            raise

    def _configure_sdk(self, timeout: float) -> None:
        service = app_check._get_app_check_service(self.app)
        headers = getattr(service, "_APP_CHECK_HEADERS", None)
        if not isinstance(getattr(service, "_jwks_client", None), jwt.PyJWKClient) or not isinstance(headers, dict):
            raise ImproperlyConfigured(
                f"firebase-admin {firebase_admin.__version__} no longer has the App Check service attributes the "
                "verifier configures (_jwks_client, _APP_CHECK_HEADERS); pin the tested version or adapt the verifier"
            )
        service._jwks_client = jwt.PyJWKClient(
            self.jwks_url, lifespan=JWKS_LIFESPAN_SECONDS, headers=headers, timeout=timeout
        )

    @classmethod
    def default(cls) -> AppCheckVerifier:
        """The process's verifier for the current settings (recreated when they change, or after a fork)."""
        return _DEFAULT.get()

    @classmethod
    def from_settings(cls) -> AppCheckVerifier:
        return cls(
            project_id=settings.FCM_PROJECT_ID,
            endpoint=settings.APP_CHECK_ENDPOINT,
            app_ids=tuple(settings.APP_CHECK_APP_IDS),
            timeout=float(settings.FCM_TIMEOUT_SECONDS),
        )

    def close(self) -> None:
        firebase_admin.delete_app(self.app)

    def verify(self, token: str | None) -> str:
        """The Firebase app id the valid ``token`` was issued to; ``AppCheckFailed`` or ``AppCheckUnavailable``."""
        if not token:
            raise AppCheckFailed(f"Send the header '{APP_CHECK_HEADER}: <App Check token>'.", missing=True)
        if len(token) > MAX_TOKEN_LENGTH:
            raise AppCheckFailed("The App Check token is not valid: too long.")
        try:
            claims = app_check.verify_token(token, app=self.app)
        except jwt.PyJWKClientConnectionError as error:
            raise AppCheckUnavailable(f"App Check's keys could not be fetched: {error}") from error
        except jwt.PyJWKSetError as error:  # the endpoint answered, with no usable key
            raise AppCheckUnavailable(f"App Check's keys are unusable: {error}") from error
        except (ValueError, jwt.PyJWTError) as error:  # includes PyJWKClientError: no key with the token's kid
            raise AppCheckFailed(f"The App Check token is not valid: {error}") from error
        app_id = str(claims.get("app_id") or "")
        if self.app_ids and app_id not in self.app_ids:
            raise AppCheckFailed("The App Check token was issued to another app.")
        return app_id


def app_check_required() -> bool:
    return bool(settings.APP_CHECK_REQUIRED)


def app_check_verify(token: str | None) -> str | None:
    """With ``APP_CHECK_REQUIRED`` on: the app id of the valid ``token``, else ``AppCheckFailed`` or
    ``AppCheckUnavailable``. Off: None, whatever ``token`` is (it is not even parsed).

    It may fetch App Check's keys over the network (once per 6 hours per process): never call it inside
    a database transaction.
    """
    if not app_check_required():
        return None
    return AppCheckVerifier.default().verify(token)


_DEFAULT = PerProcess(
    AppCheckVerifier.from_settings,
    settings_key=lambda: (
        settings.FCM_PROJECT_ID,
        settings.APP_CHECK_ENDPOINT,
        tuple(settings.APP_CHECK_APP_IDS),
        settings.FCM_TIMEOUT_SECONDS,
    ),
)
