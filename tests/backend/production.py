"""The product as production runs it, for the tests that need a real server: migrate, collectstatic, then
gunicorn with DEBUG=0 on a SQLite database of its own, none of the test run's settings variables."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.backend.test_settings import BASE_DIR, SETTINGS_VARIABLES

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_gunicorn(tmp: Path, *, workers: int = 1, **env: str) -> Iterator[str]:
    """gunicorn serving ``config.wsgi`` on a free loopback port, once ``/readyz`` answers; its base URL.

    ``env`` adds settings variables to the production ones (``METRICS_TOKEN``, ...). What gunicorn
    writes to stderr is kept in ``tmp`` and shown if it does not start.
    """
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        NEWSLINE_VAR_DIR=str(tmp / "var"),
        **env,
    )
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):  # the 404 page links hashed files
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=clean, check=True, capture_output=True
        )
    port = free_port()
    stderr_path = tmp / "gunicorn.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=BASE_DIR,
            env=clean,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/readyz", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {stderr_path.read_text()!r}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
