"""A real varnishd on loopback, running the repository's VCL (deploy/varnish/default.vcl) in front of a test server."""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = "/usr/sbin/varnishd"
VARNISHADM = "/usr/bin/varnishadm"


def render_vcl(source: str, *, backend_host: str, backend_port: int) -> str:
    """The VCL with its backend pointed at ``backend_host:backend_port`` (the lines marked NEWSLINE_BACKEND_*)."""
    for marker, value in (("NEWSLINE_BACKEND_HOST", backend_host), ("NEWSLINE_BACKEND_PORT", str(backend_port))):
        source, found = re.subn(rf'"[^"]*";(\s*# {marker})', rf'"{value}";\1', source)
        assert found == 1, f"{marker} is not marked exactly once in {VCL}"
    return source


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cache(self) -> str:
        """Varnish's verdict: HIT, MISS or PASS."""
        return self.headers.get("X-Cache", "")

    def json(self) -> Any:
        return json.loads(self.body)


class Varnish:
    """``varnishd -F`` in its own process group: one port for clients, one speaking the PROXY protocol (so a
    test can come "from" any address, as behind a TLS terminator), and a management port for bans."""

    def __init__(self, *, backend_host: str, backend_port: int, workdir: Path) -> None:
        self.backend = (backend_host, backend_port)
        self.workdir = workdir
        self.port = free_port()
        self.proxy_port = free_port()
        self.admin_port = free_port()
        self.secret = workdir / "secret"
        self.log_path = workdir / "varnishd.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> "Varnish":
        vcl = self.workdir / "default.vcl"
        vcl.write_text(render_vcl(VCL.read_text(), backend_host=self.backend[0], backend_port=self.backend[1]))
        self.secret.write_bytes(secrets.token_bytes(32))
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                VARNISHD, "-F", "-j", "none", "-n", str(self.workdir / "instance"), "-f", str(vcl),
                "-a", f"127.0.0.1:{self.port}", "-a", f"127.0.0.1:{self.proxy_port},PROXY",
                "-T", f"127.0.0.1:{self.admin_port}", "-S", str(self.secret), "-s", "malloc,64m",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if self.request("PURGE", "/", headers={"xkey-purge": "ready"}).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"varnishd did not answer within {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the manager and its child, both ours
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if self._log is not None:
            self._log.close()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def ban_all(self) -> None:
        """Empty the cache (a test starts from nothing, whatever the one before stored)."""
        subprocess.run(
            [VARNISHADM, "-T", f"127.0.0.1:{self.admin_port}", "-S", str(self.secret), "ban", "req.url", "~", "."],
            check=True,
            capture_output=True,
            timeout=15,
        )

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers={name.replace("_", "-"): value for name, value in headers.items()})

    def request_from(self, address: str, method: str, path: str, *, headers: dict[str, str] | None = None) -> Answer:
        """A request that Varnish sees coming from ``address`` (PROXY protocol v1)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.proxy_port, timeout=30)
        try:
            connection.connect()
            assert connection.sock is not None
            connection.sock.sendall(f"PROXY TCP4 {address} 127.0.0.1 40000 {self.proxy_port}\r\n".encode())
            # The clients' Host, so that it is the same cached object they get.
            connection.request(method, path, headers={"Host": f"127.0.0.1:{self.port}", **(headers or {})})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
