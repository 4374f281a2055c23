"""Load figures for the read API on gunicorn + PostgreSQL + Redis with the demo content.

Run with ``make bench-api``. Creates (or recreates) the database ``newsline_bench``,
loads the demo content, starts gunicorn with production settings, and runs wrk
against the article list and an article detail, then prints req/s, p50 and p99.
A baseline in the same run: ``/healthz`` (Django and gunicorn with no database or
serialisation work), so the ratios show what the API itself costs.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8123"))
DB = "newsline_bench"
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
WORKERS = os.environ.get("BENCH_WORKERS", "4")


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def wrk(url: str, duration: str = DURATION) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def pct(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "errors": float(non2xx.group(1)) if non2xx else 0.0}


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", f"DROP DATABASE IF EXISTS {DB}"],
                   check=True)  # fmt: skip
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", f"CREATE DATABASE {DB}"], check=True
    )
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "REDIS_URL": "redis://127.0.0.1:6379/10",  # broker 10, cache 11: the benchmark's own
        "DEVTOOLS": "1",  # seed_demo
        "THROTTLE_READ": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "NEWSLINE_VAR_DIR": "/tmp/newsline-bench",
    }
    run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
    run([PY, "manage.py", "seed_demo", "--force"], env)
    for cached in (False, True):
        bench_server(env={**env, "API_RESPONSE_CACHE": "1" if cached else "0"}, cached=cached)
    return 0


def bench_server(*, env: dict[str, str], cached: bool) -> None:
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", WORKERS,
         "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        import json

        listing = json.loads(urllib.request.urlopen(f"{base}/api/v1/articles/?lang=en", timeout=5).read())
        article_id = listing["results"][0]["id"]
        targets = {
            "healthz (baseline)": f"{base}/healthz",
            "article list": f"{base}/api/v1/articles/?lang=en",
            "article detail": f"{base}/api/v1/articles/{article_id}/",
        }
        mode = (
            "response cache on (repeat requests are hits)" if cached else "response cache off (every request renders)"
        )
        print(
            f"\ngunicorn {WORKERS} sync workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}, PostgreSQL + Redis, "
            f"demo data, {mode}"
        )
        print(f"{'endpoint':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs baseline':>12}")
        baseline = None
        for name, url in targets.items():
            wrk(url, "3s")  # warm-up: connections, caches, gunicorn workers
            figures = wrk(url)
            baseline = baseline or figures["rps"]
            print(f"{name:22} {figures['rps']:9.0f} {figures['p50']:8.2f} {figures['p99']:8.2f} "
                  f"{figures['errors']:8.0f} {figures['rps'] / baseline:11.2f}x")  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
