"""FCM baselines: the loopback emulator's ceiling, and the bare firebase-admin SDK against it.

Run: ``.venv/bin/python tests/bench/bench_fcm_baselines.py [--seconds 10] [--connections 64]``

(a) The emulator's ceiling: a keep-alive load generator (N connections, each POSTing a valid
    FCM message and reading the answer back to back) counts requests/s. The generator is
    asyncio on raw sockets so that it costs less CPU than the server; ``wrk`` with a POST
    script is run too when installed.
(b) The bare SDK: ``messaging.send_each`` of 500-message lists in a loop, through the
    gateway's configured App and connection pool (``FCM_POOL_SIZE``), counts messages/s.
(c) The same with requests' default adapter (10 connections, non-blocking): the SDK's pool
    for any host but Google's; counts "Connection pool is full" warnings.

The emulator runs as a child process (its own core and GIL, as a remote FCM would be).
"""

import argparse
import asyncio
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from devtools.fcm_emulator import EmulatorConfig, EmulatorProcess  # noqa: E402

PROJECT = "newsline-bench"
DATA = {
    "type": "breaking",
    "alert_id": "7",
    "article_id": "42",
    "language": "ckb",
    "section": "world",
    "url": "https://newsline.example/ckb/world/42-quake/",
}
SEND_PATH = f"/v1/projects/{PROJECT}/messages:send"
MESSAGE = {
    "message": {
        "token": "bench-device-token-000000000000000000000000000000000000000000000000000000000000000000",
        "notification": {"title": "Quake hits the north", "body": "At least 12 villages cut off"},
        "data": DATA,
        "android": {
            "priority": "high",
            "ttl": "3600s",
            "collapse_key": "article-42",
            "notification": {"channel_id": "breaking", "tag": "article-42"},
        },
        "apns": {
            "headers": {"apns-priority": "10", "apns-collapse-id": "article-42", "apns-expiration": "1900000000"},
            "payload": {"aps": {"sound": "default", "thread-id": "world"}},
        },
    }
}


# --- (a) the emulator's ceiling ------------------------------------------------------------------


async def _one_connection(host: str, port: int, request: bytes, stop_at: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.monotonic() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace"))
            match = re.search(rb"(?i)content-length: *(\d+)", head)
            assert match is not None
            await reader.readexactly(int(match.group(1)))
            done += 1
    finally:
        counts.append(done)
        writer.close()


async def _load(host: str, port: int, connections: int, seconds: float) -> float:
    body = json.dumps(MESSAGE).encode()
    request = (
        f"POST {SEND_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    counts: list[int] = []
    started = time.monotonic()
    await asyncio.gather(*(_one_connection(host, port, request, started + seconds, counts) for _ in range(connections)))
    return sum(counts) / (time.monotonic() - started)


def emulator_ceiling(url: str, connections: int, seconds: float) -> float:
    host, port = url.removeprefix("http://").split(":")
    return asyncio.run(_load(host, int(port), connections, seconds))


def wrk_ceiling(url: str, connections: int, seconds: float) -> float | None:
    if shutil.which("wrk") is None:
        return None
    script = (
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{json.dumps(MESSAGE)}]]\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "-s", lua.name, url + SEND_PATH],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(lua.name)
    if "Non-2xx" in out:
        raise RuntimeError(out)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else None


# --- (b), (c) the bare SDK --------------------------------------------------------------------------


class _PoolFull(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "Connection pool is full" in record.getMessage():
            self.count += 1


def bare_sdk(seconds: float, *, default_pool: bool = False) -> tuple[float, int, int]:
    """messages/s, messages sent and pool-full warnings for send_each of 500-message lists in a loop."""
    from firebase_admin import messaging
    from requests.adapters import HTTPAdapter

    from notifications.gateway import FCMGateway
    from notifications.messages import PushMessage, build_message

    gateway = FCMGateway.from_settings()
    if default_pool:
        gateway.session.mount(gateway.endpoint + "/", HTTPAdapter())
    batch = [
        build_message(
            PushMessage(
                token=f"bench-device-{n:06d}",
                title="Quake hits the north",
                body="At least 12 villages cut off",
                data=DATA,
                collapse_id="article-42",
                thread_id="world",
            )
        )
        for n in range(500)
    ]
    handler = _PoolFull()
    urllib3_logger = logging.getLogger("urllib3")
    urllib3_logger.addHandler(handler)
    urllib3_logger.propagate = False  # counted, not printed
    sent = failed = 0
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            response = messaging.send_each(batch, app=gateway.app)
            sent += response.success_count
            failed += response.failure_count
    finally:
        elapsed = time.monotonic() - started
        urllib3_logger.removeHandler(handler)
        urllib3_logger.propagate = True
        gateway.close()
    if failed:
        raise RuntimeError(f"{failed} messages failed")
    return sent / elapsed, sent, handler.count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=64, help="load generator connections for (a)")
    parser.add_argument("--pool-size", type=int, default=100, help="FCM_POOL_SIZE for (b)")
    parser.add_argument("--skip-default-pool", action="store_true", help="skip (c)")
    args = parser.parse_args()

    config = EmulatorConfig(record_bodies=False)
    with EmulatorProcess(config=config) as emulator:
        os.environ.update(
            DEBUG="1",
            DJANGO_SETTINGS_MODULE="config.settings",
            FCM_ENDPOINT=emulator.url,
            FCM_PROJECT_ID=PROJECT,
            FCM_POOL_SIZE=str(args.pool_size),
        )
        import django

        django.setup()
        print(f"emulator: {emulator.url} (child process); {os.cpu_count()} CPUs; {args.seconds:.0f} s per figure")

        rps = emulator_ceiling(emulator.url, args.connections, args.seconds)
        print(f"(a) emulator ceiling, asyncio keep-alive generator, {args.connections} connections: {rps:,.0f} req/s")
        emulator.client.clear()
        wrk_rps = wrk_ceiling(emulator.url, args.connections, args.seconds)
        if wrk_rps is not None:
            print(f"(a) emulator ceiling, wrk -t1 -c{args.connections}: {wrk_rps:,.0f} req/s")
        emulator.client.clear()

        rate, sent, warnings = bare_sdk(args.seconds)
        accepted = emulator.client.stats()["accepted"]
        print(
            f"(b) bare SDK send_each x500, pool {args.pool_size} (blocking): {rate:,.0f} messages/s "
            f"({sent} sent, {accepted} accepted by the emulator, {warnings} pool-full warnings)"
        )
        if not args.skip_default_pool:
            emulator.client.clear()
            rate, sent, warnings = bare_sdk(args.seconds, default_pool=True)
            print(
                f"(c) bare SDK send_each x500, requests' default pool (10, non-blocking): {rate:,.0f} messages/s "
                f"({warnings} 'Connection pool is full' warnings)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
