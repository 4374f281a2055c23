"""A real Celery worker process (with its embedded beat) for end-to-end tests and benchmarks."""

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import IO, Any

from backend.queues import queue_names

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(ROOT / ".venv" / "bin" / "celery")


class CeleryWorker:
    """``celery -A config worker -B`` in its own process group, configured by environment variables."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        log_path: Path,
        concurrency: int = 2,
        name: str = "e2e",
        beat: bool = True,
        queue: str | None = None,
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.name = name
        self.beat = beat  # False: a plain worker, as in production where beat is its own process
        self.queue = queue  # the queue this test process sends to (under pytest-xdist: its own)
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> "CeleryWorker":
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        schedule = self.log_path.with_suffix(".beat-schedule")
        self.process = subprocess.Popen(
            [
                CELERY, "-A", "config", "worker", "--loglevel=INFO", f"--concurrency={self.concurrency}",
                "--pool=prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
                *(["-B", "-s", str(schedule)] if self.beat else []),
                "-Q", ",".join(queue_names(self.queue or "celery")),  # the default queue and every routed one
                "-n", f"{self.name}-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if " ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not become ready:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children: no shutdown, no acknowledgements."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close()

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        self._close()

    def _close(self) -> None:
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> "CeleryWorker":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def database_url() -> str:
    """The address of the test database this process uses, for a worker process to use it too."""
    from django.db import connection

    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
