"""The emulator's App Check test keys: a JWKS at Google's path and tokens shaped as App Check's."""

import http.client
import json
import time
from urllib.parse import urlsplit

import jwt
import pytest

from devtools.fcm_emulator import EmulatorClient, EmulatorError, EmulatorProcess

PROJECT_ID = "newsline-test"
PROJECT_NUMBER = "123456789012"
APP_ID = "1:123456789012:ios:0a1b2c3d4e5f"


def request(url: str, method: str, path: str, body: object = None) -> tuple[int, dict]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        payload = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def verified(url: str, token: str, *, audience: str = f"projects/{PROJECT_ID}") -> dict:
    """The token's claims, checked against the keys the emulator serves (fetched over HTTP, as the SDK does)."""
    key = jwt.PyJWKClient(f"{url}/v1/jwks").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience)


def test_the_jwks_is_served_at_app_checks_path_with_one_rs256_key(fcm_emulator):
    status, body = request(fcm_emulator.url, "GET", "/v1/jwks")

    assert status == 200
    [key] = body["keys"]
    assert set(key) == {"kty", "use", "alg", "kid", "n", "e"}
    assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")
    assert fcm_emulator.client.app_check_jwks() == body


def test_a_minted_token_is_shaped_as_app_checks(fcm_emulator):
    before = int(time.time())
    token = fcm_emulator.client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID, project_number=PROJECT_NUMBER)

    header = jwt.get_unverified_header(token)
    claims = verified(fcm_emulator.url, token)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert header["kid"] == fcm_emulator.client.app_check_jwks()["keys"][0]["kid"]
    assert claims["iss"] == f"https://firebaseappcheck.googleapis.com/{PROJECT_NUMBER}"
    assert claims["sub"] == APP_ID
    assert claims["aud"] == [f"projects/{PROJECT_NUMBER}", f"projects/{PROJECT_ID}"]
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + 3600


def test_an_expired_token_and_overridden_claims_can_be_minted(fcm_emulator):
    client = fcm_emulator.client
    expired = client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID, ttl_seconds=-30)
    with pytest.raises(jwt.ExpiredSignatureError):
        verified(fcm_emulator.url, expired)

    other = client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID, audience=["projects/other"], issuer="x")
    claims = jwt.decode(other, options={"verify_signature": False})
    assert (claims["aud"], claims["iss"]) == (["projects/other"], "x")
    with pytest.raises(jwt.InvalidAudienceError):
        verified(fcm_emulator.url, other)


def test_the_key_outlives_a_reset(fcm_emulator):
    client = fcm_emulator.client
    token = client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID)
    keys = client.app_check_jwks()

    client.reset()

    assert client.app_check_jwks() == keys
    assert verified(fcm_emulator.url, token)["sub"] == APP_ID


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"project_id": PROJECT_ID, "project_number": PROJECT_NUMBER}, "app_id"),
        ({"app_id": APP_ID, "project_number": PROJECT_NUMBER}, "project_id"),
        ({"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": "12ab"}, "project_number"),
        ({"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": "1", "ttl_seconds": "1h"}, "ttl_seconds"),
        ({"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": "1", "ttl_seconds": True}, "ttl_seconds"),
        ({"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": "1", "audience": "projects/x"}, "audience"),
        ({"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": "1", "issuer": 5}, "issuer"),
        ({"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": "1", "scope": "x"}, "unknown keys: scope"),
        (["app_id"], "JSON object"),
    ],
)
def test_a_bad_mint_request_is_a_400_naming_the_problem(fcm_emulator, body, error):
    status, answer = request(fcm_emulator.url, "POST", "/_emulator/app-check/token", body)

    assert status == 400
    assert error in answer["error"]


def test_the_client_raises_for_a_refused_mint(fcm_emulator):
    with pytest.raises(EmulatorError, match="project_number"):
        fcm_emulator.client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID, project_number="")


def test_only_get_is_answered_on_the_jwks(fcm_emulator):
    status, body = request(fcm_emulator.url, "POST", "/v1/jwks", {})

    assert status == 405
    assert body["error"]["status"] == "INVALID_ARGUMENT"


def test_app_check_keys_do_not_count_as_fcm_requests(fcm_emulator):
    client = fcm_emulator.client
    client.app_check_jwks()
    client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID)

    assert client.stats()["requests"] == 0


def test_the_command_line_emulator_serves_app_check_too():
    with EmulatorProcess() as emulator:
        client = EmulatorClient(emulator.url)
        token = client.app_check_token(app_id=APP_ID, project_id=PROJECT_ID, project_number=PROJECT_NUMBER)

        assert verified(emulator.url, token)["sub"] == APP_ID
