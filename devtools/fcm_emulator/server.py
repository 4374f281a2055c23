"""HTTP/1.1 for the emulator: keep-alive and pipelined requests on one asyncio event loop."""

from __future__ import annotations

import asyncio
import http

from devtools.fcm_emulator.emulator import FCMEmulator, Response, json_response

_JSON_HEADERS = b"Content-Type: application/json; charset=UTF-8\r\n"
_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 16 * 1024 * 1024


def _render(response: Response, keep_alive: bool) -> bytes:
    status = response.status
    head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode(), _JSON_HEADERS]
    head.append(b"Content-Length: %d\r\n" % len(response.body))
    if response.retry_after is not None:
        head.append(b"Retry-After: %d\r\n" % response.retry_after)
    if not keep_alive:
        head.append(b"Connection: close\r\n")
    head.append(b"\r\n")
    head.append(response.body)
    return b"".join(head)


class _Connection(asyncio.Protocol):
    """One client connection: parses requests in order, answers them in order."""

    def __init__(self, emulator: FCMEmulator, loop: asyncio.AbstractEventLoop) -> None:
        self._emulator = emulator
        self._loop = loop
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._waiting = False  # a delayed response is pending; later requests wait for it
        self._serial = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._emulator.connections.add(self)
        self._emulator.connections_opened += 1
        self._serial = self._emulator.connections_opened

    def connection_lost(self, exc: Exception | None) -> None:
        self._emulator.connections.discard(self)
        self._transport = None

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._waiting:
            self._process()

    def _process(self) -> None:
        buffer = self._buffer
        while self._transport is not None and not self._waiting:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEAD_BYTES:
                    self._reply(json_response(431, {"error": "request head too large"}), keep_alive=False)
                return
            lines = bytes(buffer[:end]).split(b"\r\n")
            try:
                method, target, version = lines[0].decode("latin-1").split(" ")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get(b"content-length", b"0"))
            except ValueError:
                self._reply(json_response(400, {"error": "malformed request"}), keep_alive=False)
                return
            if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
                self._reply(json_response(411, {"error": "send a Content-Length"}), keep_alive=False)
                return
            if length > _MAX_BODY_BYTES:
                self._reply(json_response(413, {"error": "body too large"}), keep_alive=False)
                return
            total = end + 4 + length
            if len(buffer) < total:
                if headers.get(b"expect", b"").lower() == b"100-continue" and len(buffer) == end + 4:
                    self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return
            body = bytes(buffer[end + 4 : total])
            del buffer[:total]
            connection = headers.get(b"connection", b"").lower()
            keep_alive = connection != b"close" if version == "HTTP/1.1" else connection == b"keep-alive"
            response = self._emulator.handle(method, target, headers, body, self._serial)
            if response.delay > 0:
                self._waiting = True
                self._transport.pause_reading()
                self._loop.call_later(response.delay, self._reply_later, response, keep_alive)
                return
            self._reply(response, keep_alive)

    def _reply(self, response: Response, keep_alive: bool) -> None:
        if self._transport is None:
            return
        self._transport.write(_render(response, keep_alive))
        if not keep_alive:
            self._transport.close()
            self._transport = None

    def _reply_later(self, response: Response, keep_alive: bool) -> None:
        self._waiting = False
        self._reply(response, keep_alive)
        if self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()
            self._process()


async def serve(
    emulator: FCMEmulator, host: str = "127.0.0.1", port: int = 9099, *, backlog: int = 1024
) -> asyncio.Server:
    """Start serving ``emulator`` on the running loop; the server's socket gives the bound port."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: _Connection(emulator, loop), host, port, backlog=backlog, reuse_address=True
    )
