"""What the load benchmarks share: wrk run and read, a URL fetched, a server waited for and stopped."""

import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Sequence


def wrk(
    url: str, *, connections: int, duration: str, options: Sequence[str] = (), script_args: Sequence[str] = ()
) -> dict[str, float]:
    """``wrk -t2`` on ``url`` (``options`` before it, a script's ``script_args`` after it): req/s, p50 and p99 in
    ms, requests that failed (non-2xx or 3xx answers and socket errors) and requests in all."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--timeout", "10s", "--latency", *options, url,
         *(["--", *script_args] if script_args else [])],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)

    def pct(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    failed = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(n) for n in errors.groups()) if errors else 0)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "errors": float(failed), "total": float(total)}


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Return once ``url`` answers; raise if ``process`` (the server) exits or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it is still there 30 seconds later."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
