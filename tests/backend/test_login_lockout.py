"""Repeated wrong passwords lock the editor site's login, for that username from that address only."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import Client
from django.utils import timezone

from backend.roles import EDITOR
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password"  # tests.factories.user_with_role
OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.50"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Each try checks a password: the production hasher's million rounds would make this file take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(_fast_password_hashing):
    return user_with_role(EDITOR, username="layla")


def log_in(address: str, username: str, password: str) -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN_URL, {"username": username, "password": password})
    return client, response


def fail(times: int, address: str = OFFICE, username: str = "layla") -> None:
    for _ in range(times):
        log_in(address, username, "wrong-password")


def is_logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_limit_and_cool_off_are_five_tries_and_half_an_hour_by_default():
    limit, cool_off = settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME

    assert limit == 5
    assert cool_off == timedelta(minutes=30)


def test_a_wrong_password_below_the_limit_shows_the_login_form_again(editor):
    _, response = log_in(OFFICE, "layla", "wrong-password")

    assert response.status_code == 200
    assert b'id="login-form"' in response.content


def test_the_fifth_wrong_password_answers_the_lockout_page(editor):
    fail(4)

    _, response = log_in(OFFICE, "layla", "wrong-password")

    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert b'id="login-form"' not in response.content


def test_five_wrong_passwords_then_the_right_one_is_refused_with_the_lockout_page(editor):
    fail(5)

    client, response = log_in(OFFICE, "layla", PASSWORD)

    assert response.status_code == 429
    assert b"Too many failed log-ins for <strong>layla</strong>" in response.content
    assert b"You can try again at" in response.content
    assert not is_logged_in(client)


def test_the_lockout_page_says_when_to_retry_in_the_newsroom_clock(editor):
    fail(4)
    newsroom = ZoneInfo(settings.NEWSROOM_TIME_ZONE)
    before = timezone.now()

    _, response = log_in(OFFICE, "layla", "wrong-password")

    after = timezone.now()
    retry_times = {
        f"<strong>{(moment + settings.AXES_COOLOFF_TIME).astimezone(newsroom):%H:%M}</strong>"
        for moment in (before, after)
    }
    assert any(time.encode() in response.content for time in retry_times), response.content.decode()
    assert f"({settings.NEWSROOM_TIME_ZONE} time)".encode() in response.content
    assert b"in 30 minutes" in response.content


def test_the_lockout_page_is_the_editor_sites_page(editor):
    fail(5)

    _, response = log_in(OFFICE, "layla", PASSWORD)

    assert b"/static/admin/css/base.css" in response.content
    assert b"/static/admin/css/login.css" in response.content
    assert b'<body class=" login"' in response.content


def test_trying_again_while_locked_does_not_push_the_retry_time_back(editor):
    fail(5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=20))

    _, response = log_in(OFFICE, "layla", PASSWORD)

    assert response.status_code == 429
    assert b"in 10 minutes" in response.content
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_another_address_with_the_same_username_still_gets_in(editor):
    fail(5, address=OFFICE)

    client, response = log_in(ELSEWHERE, "layla", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_another_user_from_the_locked_address_still_gets_in(editor):
    user_with_role(EDITOR, username="karwan")
    fail(5, address=OFFICE, username="layla")

    client, response = log_in(OFFICE, "karwan", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lockout_expires_after_the_cool_off(editor):
    fail(5)
    # The clock moves on: every counted failure is now a cool-off and a second old.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    client, response = log_in(OFFICE, "layla", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lockout_holds_until_the_cool_off_ends(editor):
    fail(5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=30))

    _, response = log_in(OFFICE, "layla", PASSWORD)

    assert response.status_code == 429


def test_a_successful_login_clears_the_failures_before_it(editor):
    fail(4)

    _, response = log_in(OFFICE, "layla", PASSWORD)

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert AccessLog.objects.filter(username="layla", ip_address=OFFICE).exists()
    # Four more wrong passwords after it are again below the limit.
    fail(4)
    _, response = log_in(OFFICE, "layla", PASSWORD)
    assert response.status_code == 302


def test_the_address_counted_is_the_client_behind_the_configured_proxies(editor, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.2"
    for _ in range(5):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OFFICE).post(
            LOGIN_URL, {"username": "layla", "password": "wrong-password"}
        )

    locked = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert locked.post(LOGIN_URL, {"username": "layla", "password": PASSWORD}).status_code == 429
    assert other.post(LOGIN_URL, {"username": "layla", "password": PASSWORD}).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
