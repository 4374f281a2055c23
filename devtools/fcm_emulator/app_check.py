"""Firebase App Check test keys: the emulator stands in for ``https://firebaseappcheck.googleapis.com``.

An app's App Check SDK trades a Play Integrity or App Attest verdict for a short-lived token, an RS256
JWT signed with one of App Check's keys; servers verify it against the public keys App Check serves at
``/v1/jwks``. Here the emulator holds one RSA key of its own, made the first time it is needed and kept
for the emulator's life (``reset`` keeps it, as Google's keys outlive any test), and:

- serves its public half at ``GET /v1/jwks``, the path Google serves, so that firebase-admin's
  ``app_check.verify_token``, pointed at the emulator (``APP_CHECK_ENDPOINT``), fetches it over HTTP;
- mints tokens shaped as App Check's (``POST /_emulator/app-check/token``): header ``alg: RS256``,
  ``typ: JWT`` and the key's ``kid``; claims ``iss`` ``https://firebaseappcheck.googleapis.com/<project
  number>``, ``sub`` the app id, ``aud`` ``["projects/<project number>", "projects/<project id>"]``,
  ``iat`` and ``exp``. A negative ``ttl_seconds`` makes one already expired; ``audience`` and ``issuer``
  replace the real claims (a token for another project), so tests can try what verification refuses.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER_PREFIX = "https://firebaseappcheck.googleapis.com/"
JWKS_PATH = "/v1/jwks"
DEFAULT_TTL_SECONDS = 3600  # App Check's default token lifetime is an hour


class AppCheckKeys:
    """The emulator's App Check signing key, its JWKS, and the tokens it signs."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex
        self._key: rsa.RSAPrivateKey | None = None

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        if self._key is None:  # about 50 ms: made on first use, so emulators that never need it never pay
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self._key

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set App Check serves: the public key, for RS256 signatures."""
        key = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {
            "keys": [{"kty": key["kty"], "use": "sig", "alg": "RS256", "kid": self.kid, "n": key["n"], "e": key["e"]}]
        }

    def mint(
        self,
        *,
        app_id: str,
        project_id: str,
        project_number: str,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        audience: list[str] | None = None,
        issuer: str | None = None,
        now: float | None = None,
    ) -> str:
        """An App Check token for ``app_id`` of the Firebase project ``project_id`` (number ``project_number``)."""
        issued = int(now if now is not None else time.time())
        claims = {
            "iss": issuer if issuer is not None else f"{ISSUER_PREFIX}{project_number}",
            "sub": app_id,
            "aud": audience if audience is not None else [f"projects/{project_number}", f"projects/{project_id}"],
            "iat": issued,
            "exp": issued + ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})

    def mint_from_json(self, request: Any) -> dict[str, Any]:
        """The control API's ``POST /_emulator/app-check/token``: ``ValueError`` for a request it cannot take."""
        if not isinstance(request, dict):
            raise ValueError("expected a JSON object")
        unknown = request.keys() - {"app_id", "project_id", "project_number", "ttl_seconds", "audience", "issuer"}
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        strings = {}
        for name in ("app_id", "project_id", "project_number"):
            value = request.get(name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string")
            strings[name] = value
        if not strings["project_number"].isdigit():
            raise ValueError("project_number must be the project's number (digits)")
        ttl = request.get("ttl_seconds", DEFAULT_TTL_SECONDS)
        if not isinstance(ttl, int) or isinstance(ttl, bool):
            raise ValueError("ttl_seconds must be an integer (negative: already expired)")
        audience = request.get("audience")
        if audience is not None and (not isinstance(audience, list) or not all(isinstance(a, str) for a in audience)):
            raise ValueError("audience must be a list of strings")
        issuer = request.get("issuer")
        if issuer is not None and not isinstance(issuer, str):
            raise ValueError("issuer must be a string")
        token = self.mint(
            app_id=strings["app_id"],
            project_id=strings["project_id"],
            project_number=strings["project_number"],
            ttl_seconds=ttl,
            audience=audience,
            issuer=issuer,
        )
        return {"token": token, "ttl": f"{ttl}s", "kid": self.kid}
