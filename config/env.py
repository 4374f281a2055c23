"""Typed readers for environment variables (the only way settings are configured)."""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def redis_url_next_db(url: str) -> str:
    """``url`` with the Redis database after the one it names (0 when it names none): ``/3`` becomes ``/4``."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    try:
        db = int(path) if path else 0
    except ValueError as exc:
        raise ImproperlyConfigured(f"REDIS_URL must name a database number, got {url!r}") from exc
    if db >= 15:
        raise ImproperlyConfigured(
            f"REDIS_URL names database {db}; the cache takes the next one, beyond Redis' default 16: set CACHE_URL"
        )
    return urlunsplit(parts._replace(path=f"/{db + 1}"))
