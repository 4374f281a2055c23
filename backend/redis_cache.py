"""Django's Redis cache, with one client per server kept for the life of the process.

Django 5.2's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` around the (cached)
connection pool on every call: every ``get``, ``set`` and ``get_many`` pays for redis-py's client
set-up (its response callbacks, retry policy, ...), about 90 µs with redis-py 8 on this project's
machines, more than the round trip to a local Redis (~40 µs). A ``redis.Redis`` is safe to share
between threads (each command borrows a connection from the pool) and its pool reconnects after a
fork, so one client per server serves the whole process.

``incr_window`` is the fixed-window counter the throttles use (``backend.api.throttles``): one
INCR and one EXPIRE in a single round trip, whatever the traffic.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self  # the attributes below are Django's own, which django-stubs does not declare
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pools = django._pools
            if index not in pools:
                pools[index] = django._pool_class.from_url(django._servers[index], **django._pool_options)
            # Two threads may both get here: each builds a client, one is kept; both work.
            client = self._clients[index] = django._client(connection_pool=pools[index])
        return client

    def incr_window(self, key: str, timeout: int) -> int:
        pipeline = self.get_client(key, write=True).pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, timeout)
        count, _ = pipeline.execute()
        return int(count)


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client reused (see the module)."""

    _cache: RedisCacheClient  # Django's cached_property, built from _class

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_window(self, key: str, timeout: int, version: int | None = None) -> int:
        """Add one to the counter ``key`` and (re)arm its expiry to ``timeout`` seconds; the new count.

        A missing key counts from zero. One round trip; the value stays a plain integer in Redis.
        """
        return self._cache.incr_window(self.make_and_validate_key(key, version=version), max(1, int(timeout)))
