"""Optional Firebase App Check: firebase-admin's verify_token, fetching the keys over HTTP from the emulator.

The loopback FCM emulator (devtools.fcm_emulator) serves App Check's JWKS at /v1/jwks and mints tokens
as App Check does; the real SDK verifies them (signature, typ/alg, issuer, audience, expiry).
"""

import socket
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db.models import Sum

from newsapi.models import ArticleViewCount
from notifications.app_check import AppCheckVerifier
from notifications.models import Device
from tests.conftest import validate_against_schema
from tests.factories import published_article
from tests.notifications.factories import DeviceFactory, device_secret
from tests.notifications.problems import assert_problem

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/devices/"
EVENTS = "/api/v1/events/"
PROJECT_ID = "newsline-test"  # fcm_settings' FCM_PROJECT_ID
PROJECT_NUMBER = "123456789012"
APP_ID = "1:123456789012:android:0a1b2c3d4e5f"


def registration(n: int = 1) -> dict[str, Any]:
    return {"token": f"fcm-token-appcheck-{n:04d}-" + "d" * 40, "platform": "android", "language": "en"}


def register(api, token: str | None = None, n: int = 1):
    headers = {} if token is None else {"HTTP_X_FIREBASE_APPCHECK": token}
    return api.post(DEVICES, registration(n), format="json", **headers)


@pytest.fixture
def app_check(fcm_settings, fcm_emulator):
    """App Check required, its keys fetched from the session's emulator; the emulator's client to mint tokens."""
    fcm_settings.APP_CHECK_REQUIRED = True
    fcm_settings.APP_CHECK_ENDPOINT = fcm_emulator.url
    fcm_settings.APP_CHECK_APP_IDS = []
    return fcm_emulator.client


def token_for(client, **claims: Any) -> str:
    return client.app_check_token(
        **{"app_id": APP_ID, "project_id": PROJECT_ID, "project_number": PROJECT_NUMBER, **claims}
    )


def forged(client) -> str:
    """A token shaped like the emulator's, with its key id, signed by another key."""
    kid = client.app_check_jwks()["keys"][0]["kid"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(token_for(client), options={"verify_signature": False})
    return jwt.encode(claims, other, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


# --- Off by default --------------------------------------------------------------------------------


def test_app_check_is_off_by_default_and_registration_needs_no_header(api, settings):
    assert settings.APP_CHECK_REQUIRED is False

    assert register(api).status_code == 201
    # Off, a header is not even parsed.
    assert register(api, token="not a token", n=2).status_code == 201
    assert Device.objects.count() == 2


# --- Registration when App Check is required -----------------------------------------------------


def test_a_valid_emulator_token_registers_the_device(api, app_check, openapi):
    response = register(api, token=token_for(app_check))

    assert response.status_code == 201, response.content
    validate_against_schema(openapi, response)
    assert Device.objects.filter(token=registration()["token"]).exists()


def test_without_the_header_registration_is_a_401_and_creates_nothing(api, app_check, openapi):
    response = register(api)

    body = assert_problem(response, 401)
    assert "X-Firebase-AppCheck" in body["detail"]
    assert response["WWW-Authenticate"].startswith("AppCheck")
    validate_against_schema(openapi, response)
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda client: token_for(client, ttl_seconds=-60), id="expired"),
        pytest.param(lambda client: token_for(client, project_id="someone-elses"), id="another-project"),
        pytest.param(
            lambda client: token_for(client, audience=[f"projects/{PROJECT_NUMBER}"]), id="audience-number-only"
        ),
        pytest.param(lambda client: token_for(client, issuer="https://issuer.example/123"), id="wrong-issuer"),
        pytest.param(forged, id="bad-signature"),
        pytest.param(lambda client: "not.a.token", id="garbage"),
        pytest.param(lambda client: "x" * 9000, id="too-long"),
    ],
)
def test_a_bad_token_is_a_401_and_creates_nothing(api, app_check, make):
    response = register(api, token=make(app_check))

    body = assert_problem(response, 401)
    assert body["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("AppCheck")
    assert not Device.objects.exists()


def test_a_token_signed_with_an_unknown_key_is_a_401(api, app_check):
    claims = jwt.decode(token_for(app_check), options={"verify_signature": False})
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims, other, algorithm="RS256", headers={"kid": uuid.uuid4().hex, "typ": "JWT"})

    assert_problem(register(api, token=token), 401)
    assert not Device.objects.exists()


def test_a_refresh_needs_a_valid_token_too_and_a_refused_one_changes_nothing(api, app_check):
    assert register(api, token=token_for(app_check)).status_code == 201
    before = list(Device.objects.values())

    assert_problem(register(api), 401)
    assert_problem(register(api, token=token_for(app_check, ttl_seconds=-1)), 401)

    assert list(Device.objects.values()) == before
    assert register(api, token=token_for(app_check)).status_code == 200


def test_only_the_listed_apps_are_accepted_when_app_ids_are_set(api, app_check, settings):
    settings.APP_CHECK_APP_IDS = [APP_ID]

    assert_problem(register(api, token=token_for(app_check, app_id="1:123456789012:web:ffff")), 401)
    assert not Device.objects.exists()
    assert register(api, token=token_for(app_check)).status_code == 201


def test_keys_out_of_reach_are_a_503_and_create_nothing(api, app_check, settings, openapi):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.APP_CHECK_ENDPOINT = f"http://127.0.0.1:{closed}"

    response = register(api, token=token_for(app_check))

    assert_problem(response, 503)
    validate_against_schema(openapi, response)
    assert not Device.objects.exists()


def test_the_sdk_fetches_the_keys_from_the_configured_endpoint(app_check, settings):
    verifier = AppCheckVerifier.default()

    assert verifier.jwks_url == f"{settings.APP_CHECK_ENDPOINT}/v1/jwks"
    assert verifier.verify(token_for(app_check)) == APP_ID


# --- Events ---------------------------------------------------------------------------------------


def views_of(article) -> int:
    return ArticleViewCount.objects.filter(article=article).aggregate(total=Sum("count"))["total"] or 0


def test_install_id_views_need_a_valid_token_when_app_check_is_required(api, app_check):
    article = published_article(send_alert=False)
    events = [{"type": "view", "article": article.pk}]
    install = {"HTTP_X_INSTALL_ID": str(uuid.uuid4())}

    assert_problem(api.post(EVENTS, events, format="json", **install), 401)
    bad = token_for(app_check, ttl_seconds=-5)
    assert_problem(api.post(EVENTS, events, format="json", HTTP_X_FIREBASE_APPCHECK=bad, **install), 401)
    assert views_of(article) == 0

    good = token_for(app_check)
    assert api.post(EVENTS, events, format="json", HTTP_X_FIREBASE_APPCHECK=good, **install).status_code == 202
    assert views_of(article) == 1


def test_device_views_need_no_token_and_anonymous_ones_are_still_accepted(api, app_check):
    article = published_article(send_alert=False)
    events = [{"type": "view", "article": article.pk}]
    device = DeviceFactory()

    response = api.post(EVENTS, events, format="json", HTTP_AUTHORIZATION=f"Device {device_secret(device)}")
    assert response.status_code == 202
    assert api.post(EVENTS, events, format="json").status_code == 202

    assert views_of(article) == 1
