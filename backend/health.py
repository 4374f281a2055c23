"""Health endpoints for load balancers and orchestrators."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests. Touches nothing else."""
    return JsonResponse({"status": "ok"})


def _redis_check(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return f"error: {exc.__class__.__name__}"
    return "ok"


def readyz(request: HttpRequest) -> JsonResponse:
    """The database and, when configured, the Redis broker and cache answer: 200, or 503 naming what failed."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        checks["broker"] = _redis_check(settings.CELERY_BROKER_URL)
    if settings.CACHE_URL:
        checks["cache"] = _redis_check(settings.CACHE_URL)
    ready = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    response["Cache-Control"] = "no-store"
    return response
