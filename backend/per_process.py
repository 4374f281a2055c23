"""One shared object per process for the current settings: made on first use, made again after a fork or
when the settings it was made from change (a test's ``settings`` fixture), the one it replaces closed.

For clients that hold connections and a firebase-admin App (``notifications.gateway.FCMGateway``,
``notifications.app_check.AppCheckVerifier``): a forked Celery pool process must not share its
parent's sockets, so it makes its own; and it leaves the parent's object alone (closing it there would
delete an App the parent still uses), which is why only an object made by this process is closed.
"""

import os
import threading
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar


class Closeable(Protocol):
    def close(self) -> None: ...


T = TypeVar("T", bound=Closeable)


class PerProcess(Generic[T]):
    def __init__(self, make: Callable[[], T], *, settings_key: Callable[[], tuple[Hashable, ...]]) -> None:
        self._make = make
        self._settings_key = settings_key
        self._lock = threading.Lock()
        self._current: T | None = None
        self._key: tuple[Hashable, ...] | None = None

    def get(self) -> T:
        key = (os.getpid(), *self._settings_key())
        with self._lock:
            current = self._current
            if current is None or self._key != key:
                if current is not None and self._key is not None and self._key[0] == os.getpid():
                    current.close()
                self._current = current = self._make()
                self._key = key
            return current
