"""Settings come from the environment; production (DEBUG=0) refuses unsafe values and passes check --deploy."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, redis_url_next_db

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = (BASE_DIR / "config" / "settings.py").read_text()
# Every variable the settings read, so a subprocess starts from exactly what the test gives it.
SETTINGS_VARIABLES = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", SETTINGS_SOURCE))


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean["NEWSLINE_VAR_DIR"] = str(tmp_path / "var")
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env: dict[str, str | None] = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def test_the_settings_variables_are_found():
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL"} <= SETTINGS_VARIABLES


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_settings_with_redis_pass_check_deploy(tmp_path):
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/14", SITE_URL="https://news.example.com")

    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_the_content_security_policy_and_locks_out_repeated_failed_logins(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.MIDDLEWARE.index('csp.middleware.CSPMiddleware'), s.MIDDLEWARE[-1], s.AUTHENTICATION_BACKENDS[0], "
        "s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), s.AXES_LOCKOUT_PARAMETERS)"
    )
    result = run_manage(tmp_path, "shell", "--verbosity", "0", "-c", code, **production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    position, last, first_backend, limit, cool_off, parameters = result.stdout.strip().split(maxsplit=5)
    assert int(position) >= 0
    assert last == "axes.middleware.AxesMiddleware"
    assert first_backend == "axes.backends.AxesStandaloneBackend"
    assert (limit, cool_off) == ("5", "1800")
    assert parameters == "[['username', 'ip_address']]"


def test_the_lockout_limit_and_cool_off_come_from_the_environment(tmp_path):
    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    env = production_env(tmp_path, AXES_FAILURE_LIMIT="8", AXES_COOLOFF_MINUTES="15")

    result = run_manage(tmp_path, "shell", "--verbosity", "0", "-c", code, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", "0:15:00"]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-secret"}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "news.example.com,*"}, "ALLOWED_HOSTS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DB_CONN_MAX_AGE": "sixty"}, "DB_CONN_MAX_AGE"),
        ({"MOST_READ_RANKING_SECONDS": "-1"}, "MOST_READ_RANKING_SECONDS must be between 0 and 3,600, got -1"),
    ],
    ids=[
        "no-secret-key",
        "empty-secret-key",
        "short-secret-key",
        "insecure-secret-key",
        "no-allowed-hosts",
        "blank-allowed-hosts",
        "wildcard-allowed-hosts",
        "wildcard-among-allowed-hosts",
        "garbage-debug",
        "garbage-int",
        "negative-most-read-ranking",
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(tmp_path, overrides, named):
    result = run_manage(tmp_path, "check", **production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def _redis_settings(tmp_path: Path, **env: str) -> list[str]:
    code = "from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'])"
    result = run_manage(tmp_path, "shell", "--verbosity", "0", "-c", code, DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_embedded_mode_answers_on_the_address_make_run_serves(tmp_path):
    code = "from django.conf import settings as s; print(s.SITE_URL, ' '.join(s.ALLOWED_HOSTS))"
    result = run_manage(tmp_path, "shell", "--verbosity", "0", "-c", code, DEBUG="1", SITE_URL="http://192.0.2.7:8123/")

    assert result.returncode == 0, result.stderr
    site_url, *hosts = result.stdout.split()
    assert site_url == "http://192.0.2.7:8123"
    assert "192.0.2.7" in hosts and "127.0.0.1" in hosts


def test_broker_and_cache_take_separate_redis_databases_by_default(tmp_path):
    assert _redis_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/4") == [
        "redis://127.0.0.1:6379/4",
        "redis://127.0.0.1:6379/5",
    ]


def test_broker_and_cache_can_each_be_pointed_elsewhere(tmp_path):
    env = {"REDIS_URL": "redis://a:6379/0", "CELERY_BROKER_URL": "redis://b:6379/2", "CACHE_URL": "redis://c:6379/3"}
    assert _redis_settings(tmp_path, **env) == ["redis://b:6379/2", "redis://c:6379/3"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("rediss://:secret@redis.internal:6380/7", "rediss://:secret@redis.internal:6380/8"),
    ],
)
def test_the_cache_database_is_the_one_after_the_brokers(url, expected):
    assert redis_url_next_db(url) == expected


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/cache"])
def test_a_redis_url_leaving_no_database_for_the_cache_is_refused_naming_the_way_out(url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        redis_url_next_db(url)


def test_missing_debug_means_production(tmp_path):
    result = run_manage(tmp_path, "check", **production_env(tmp_path, DEBUG=None, SECRET_KEY=None))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_embedded_mode_needs_no_configuration(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("false", False), ("no", False)],
)
def test_env_bool_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("NEWSLINE_TEST_FLAG", raw)

    assert env_bool("NEWSLINE_TEST_FLAG", not expected) is expected


def test_env_bool_and_env_int_use_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("NEWSLINE_TEST_VALUE", raising=False)

    assert env_bool("NEWSLINE_TEST_VALUE", True) is True
    assert env_int("NEWSLINE_TEST_VALUE", 7) == 7
    assert env_str("NEWSLINE_TEST_VALUE", "x") == "x"
    assert env_list("NEWSLINE_TEST_VALUE", ["a"]) == ["a"]


@pytest.mark.parametrize("raw", ["maybe", "2", "yess", "tru", "-1", "1.0"])
def test_env_bool_rejects_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("NEWSLINE_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="NEWSLINE_TEST_FLAG"):
        env_bool("NEWSLINE_TEST_FLAG", False)


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (" 7 ", 7), ("-3", -3), ("", 5)])
def test_env_int_reads_integers(monkeypatch, raw, expected):
    monkeypatch.setenv("NEWSLINE_TEST_NUMBER", raw)

    assert env_int("NEWSLINE_TEST_NUMBER", 5) == expected


@pytest.mark.parametrize("raw", ["sixty", "1.5", "1e3", "0x10", "12abc", "∞"])
def test_env_int_rejects_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("NEWSLINE_TEST_NUMBER", raw)

    with pytest.raises(ImproperlyConfigured, match="NEWSLINE_TEST_NUMBER"):
        env_int("NEWSLINE_TEST_NUMBER", 5)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("NEWSLINE_TEST_LIST", " news.example.com, ,api.example.com,")

    assert env_list("NEWSLINE_TEST_LIST") == ["news.example.com", "api.example.com"]
