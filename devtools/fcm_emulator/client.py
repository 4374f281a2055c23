"""Running the emulator from Python (a thread or a child process) and its control API client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from devtools.fcm_emulator.config import EmulatorConfig
from devtools.fcm_emulator.emulator import FCMEmulator
from devtools.fcm_emulator.server import serve


class EmulatorError(RuntimeError):
    pass


class EmulatorClient:
    """The control API, for tests, the end-to-end test and benchmarks."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310 (our own URL)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise EmulatorError(f"{method} {path}: {exc.code} {exc.read().decode(errors='replace')}") from exc

    def health(self) -> bool:
        return bool(self._call("GET", "/_emulator/health").get("ok"))

    def config(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_emulator/config"))

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change part of the configuration: token_errors, error_rates, retry_after, latency_ms, seed..."""
        return dict(self._call("POST", "/_emulator/config", changes))

    def reset(self) -> dict[str, Any]:
        """Back to the start-up configuration, with messages, errors and counters cleared."""
        return dict(self._call("POST", "/_emulator/reset", {}))

    def clear(self) -> None:
        self._call("DELETE", "/_emulator/messages")

    def stats(self) -> dict[str, Any]:
        return dict(self._call("GET", "/_emulator/stats"))

    def messages(self, since: int = 0, limit: int = 1000) -> dict[str, Any]:
        """One page: ``{"total", "next", "messages": [{"index", "token", "message_id", "message", ...}]}``."""
        return dict(self._call("GET", f"/_emulator/messages?since={since}&limit={limit}"))

    def all_messages(self, since: int = 0) -> list[dict[str, Any]]:
        return self._all(self.messages, "messages", since)

    def errors(self, since: int = 0, limit: int = 1000) -> dict[str, Any]:
        return dict(self._call("GET", f"/_emulator/errors?since={since}&limit={limit}"))

    def all_errors(self, since: int = 0) -> list[dict[str, Any]]:
        return self._all(self.errors, "errors", since)

    @staticmethod
    def _all(fetch: Callable[..., dict[str, Any]], key: str, since: int) -> list[dict[str, Any]]:
        """Every record from ``since`` on, a page at a time."""
        out: list[dict[str, Any]] = []
        while True:
            page = fetch(since=since, limit=10_000)
            out.extend(page[key])
            if page["next"] >= page["total"] or not page[key]:
                return out
            since = page["next"]

    def app_check_jwks(self) -> dict[str, Any]:
        """The App Check public keys the emulator serves at /v1/jwks."""
        return dict(self._call("GET", "/v1/jwks"))

    def app_check_token(
        self,
        *,
        app_id: str,
        project_id: str,
        project_number: str = "123456789012",
        ttl_seconds: int = 3600,
        audience: list[str] | None = None,
        issuer: str | None = None,
    ) -> str:
        """A test App Check token signed by the emulator's key (negative ``ttl_seconds``: already expired)."""
        request: dict[str, Any] = {
            "app_id": app_id,
            "project_id": project_id,
            "project_number": project_number,
            "ttl_seconds": ttl_seconds,
        }
        if audience is not None:
            request["audience"] = audience
        if issuer is not None:
            request["issuer"] = issuer
        return str(self._call("POST", "/_emulator/app-check/token", request)["token"])

    def wait_for_messages(self, count: int, *, timeout: float = 30.0, interval: float = 0.05) -> list[dict[str, Any]]:
        """Poll until at least ``count`` messages were accepted; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            total = self.messages(limit=1)["total"]
            if total >= count:
                return self.all_messages()
            if time.monotonic() > deadline:
                raise EmulatorError(f"expected {count} messages, got {total} within {timeout}s")
            time.sleep(interval)


class EmulatorServer:
    """The emulator on a background thread of this process.

    ``with EmulatorServer() as emulator: ... emulator.url ... emulator.client.stats()``
    """

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, config: EmulatorConfig | None = None, **options: Any
    ) -> None:
        base = config or EmulatorConfig()
        self.emulator = FCMEmulator(base.updated(options) if options else base)
        self.host = host
        self._requested_port = port
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def client(self) -> EmulatorClient:
        return EmulatorClient(self.url)

    def start(self) -> EmulatorServer:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fcm-emulator", daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(serve(self.emulator, self.host, self._requested_port), loop)
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def shutdown() -> None:
            server.close()
            for connection in list(self.emulator.connections):
                connection.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        loop.close()
        self._loop = self._server = self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class EmulatorProcess:
    """The emulator as a child process (``python -m devtools.fcm_emulator``), for benchmarks."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        config: EmulatorConfig | None = None,
        python: str = sys.executable,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.host = host
        self.port = port
        self._args = [python, "-m", "devtools.fcm_emulator", "--host", host, "--port", str(port)]
        self._args += (config or EmulatorConfig()).to_args() + list(extra_args)
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def client(self) -> EmulatorClient:
        return EmulatorClient(self.url)

    def start(self) -> EmulatorProcess:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            self._args, cwd=root, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://[^:]+:(\d+)", line)
        if match is None:
            self.stop()
            raise EmulatorError(f"the emulator did not start: {line!r}")
        self.port = int(match.group(1))
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def start_emulator(
    *, port: int = 0, process: bool = False, **options: Any
) -> Iterator[EmulatorServer | EmulatorProcess]:
    """Run an emulator for the duration of a ``with`` block, in a thread or (``process=True``) a child process."""
    config = EmulatorConfig().updated(options) if options else EmulatorConfig()
    handle: EmulatorServer | EmulatorProcess
    handle = EmulatorProcess(port=port, config=config) if process else EmulatorServer(port=port, config=config)
    with handle:
        yield handle
