"""HTTP/1.1 for the emulator: keep-alive and pipelined requests on one asyncio event loop.

Requests are parsed by ``httptools`` (llhttp, the C parser uvicorn uses); this module only
keeps the order of answers, the configured latency and the limits:

- Answers go out strictly in request order. A request is handed to ``FCMEmulator.handle``
  only once every earlier request on its connection was answered, so a delayed answer
  (``Response.delay``) holds back the later ones, and each of them waits its own delay after
  it: N pipelined sends take N delays, as they did one at a time. Reading pauses meanwhile.
- ``Connection: close``, and HTTP/1.0 without ``Connection: keep-alive``, close the connection
  after the answer (which says ``Connection: close``); an HTTP/1.0 keep-alive answer says
  ``Connection: keep-alive``. Whatever the client pipelined after such a request is dropped.
- ``Expect: 100-continue`` gets ``100 Continue`` once the request is next to be answered and
  none of its body has arrived yet.
- Refusals end the connection after the answers owed to earlier requests: a head over 64 KiB
  is a 431, a body over 16 MiB a 413, a request llhttp rejects (or a protocol upgrade, which
  the emulator does not speak) a 400. Chunked bodies are accepted (llhttp de-chunks them)
  under the same 16 MiB limit.
"""

from __future__ import annotations

import asyncio
import http
from collections import deque

import httptools

from devtools.fcm_emulator.emulator import FCMEmulator, Response, json_response

_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 16 * 1024 * 1024
_READ_BYTES = 64 * 1024
_HEADER_OVERHEAD = len(b": \r\n")
_REQUEST_LINE_OVERHEAD = len(b"  HTTP/1.1\r\n\r\n")

_CLOSE = b"Connection: close\r\n"
_KEEP_ALIVE = b""
_KEEP_ALIVE_1_0 = b"Connection: keep-alive\r\n"

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_STATUS_HEADS: dict[int, bytes] = {}

# A parsed request waiting for its answer: method, target, headers (lower-case names), body and
# the Connection line its answer carries (_CLOSE, _KEEP_ALIVE or _KEEP_ALIVE_1_0). A plain tuple
# because one is built per request on the hot path.
_Request = tuple[str, str, dict[bytes, bytes], bytes, bytes]


def _status_head(status: int) -> bytes:
    """The fixed start of every answer with ``status``, up to the Content-Length value."""
    head = _STATUS_HEADS.get(status)
    if head is None:
        head = (
            f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
            "Content-Type: application/json; charset=UTF-8\r\nContent-Length: "
        ).encode()
        _STATUS_HEADS[status] = head
    return head


def _render(response: Response, connection: bytes) -> bytes:
    """The whole answer in one ``bytes``, so it goes out in one ``transport.write``."""
    extra = connection
    if response.retry_after is not None:
        extra = b"Retry-After: %d\r\n%s" % (response.retry_after, connection)
    body = response.body
    return b"%s%d\r\n%s\r\n%s" % (_status_head(response.status), len(body), extra, body)


class _StopParsing(Exception):
    """Raised from a parser callback to stop parsing; the refusal is in ``_Connection._refusal``."""


class _Connection(asyncio.BufferedProtocol):
    """One client connection: httptools parses requests, they are answered one at a time, in order.

    A ``BufferedProtocol`` reads into ``read_buffer``, which every connection of the server
    shares: a plain ``Protocol`` is handed a new 256 KiB ``bytes`` per read, which glibc may map,
    shrink and unmap each time (mmap, mremap and munmap per request under the asyncio load
    generator: a fifth of the emulator's CPU). Sharing is safe because the connections run on
    one event loop thread and each read is parsed before ``buffer_updated`` returns, httptools
    copying whatever its callbacks get.

    The ``on_*`` methods are httptools' callbacks for the request being parsed; a complete
    request joins ``_queue`` and ``_answer`` works through the queue after each ``feed_data``
    (never from inside a callback, so that a bug in ``FCMEmulator.handle`` surfaces as itself
    rather than as a parse error). A refusal is queued as a ``Response`` and is the last thing
    the connection answers.
    """

    def __init__(self, emulator: FCMEmulator, loop: asyncio.AbstractEventLoop, read_buffer: memoryview) -> None:
        self._emulator = emulator
        self._loop = loop
        self._parser = httptools.HttpRequestParser(self)
        self._read_buffer = read_buffer
        self._transport: asyncio.Transport | None = None
        self._serial = 0
        self._queue: deque[_Request | Response] = deque()
        self._waiting = False  # a delayed answer is pending; later requests wait for it
        self._closing = False  # the last request this connection answers is parsed: parse no more
        self._refusal: Response | None = None
        # the request being parsed
        self._method = ""
        self._url = b""
        self._headers: dict[bytes, bytes] = {}
        self._body: list[bytes] = []
        self._body_size = 0
        self._connection_line = _KEEP_ALIVE
        self._head_size = 0  # bytes of the head known from callbacks
        self._in_head = False  # from the request's first byte to the end of its head
        self._in_body = False  # from the end of its head to the end of the request
        self._fresh_head = False  # the head began in the chunk being parsed
        self._head_fed = 0  # bytes of later chunks that were all head (httptools buffers them)
        self._expect_continue = False

    # -- asyncio --

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._emulator.connections.add(self)
        self._emulator.connections_opened += 1
        self._serial = self._emulator.connections_opened

    def connection_lost(self, exc: Exception | None) -> None:
        self._emulator.connections.discard(self)
        self._transport = None
        self._queue.clear()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        if self._closing:
            return
        data = self._read_buffer[:nbytes]
        self._fresh_head = False
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserCallbackError:
            if self._refusal is None:
                raise  # a bug in a callback, not the client's doing
            self._finish(self._refusal)
        except (httptools.HttpParserError, httptools.HttpParserUpgrade):
            if not self._closing:  # else it is llhttp refusing bytes after a request that closes: ignored
                self._finish(json_response(400, {"error": "malformed request"}))
        else:
            if self._in_head and not self._fresh_head:
                # A header line still incomplete is buffered by httptools and reaches no callback:
                # only whole chunks of head bound it.
                self._head_fed += nbytes
                if self._head_fed > _MAX_HEAD_BYTES:
                    self._finish(json_response(431, {"error": "request head too large"}))
        if not self._waiting:
            self._answer()

    # -- httptools callbacks --

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = {}
        self._body = []
        self._body_size = 0
        self._head_size = _REQUEST_LINE_OVERHEAD
        self._head_fed = 0
        self._in_head = self._fresh_head = True

    def on_url(self, url: bytes) -> None:
        self._url += url
        self._head_size += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.lower()] = value.rstrip()
        self._head_size += len(name) + len(value) + _HEADER_OVERHEAD

    def on_headers_complete(self) -> None:
        """Refuse what the limits refuse, now that the whole head was read (not before: closing
        with unread bytes resets the connection, and the client might not see the answer)."""
        self._in_head = False
        parser = self._parser
        method = parser.get_method()
        self._method = method.decode("ascii")
        if self._head_size + len(method) > _MAX_HEAD_BYTES:
            self._refuse(431, "request head too large")
        if parser.should_upgrade():
            self._refuse(400, "protocol upgrades are not supported")
        headers = self._headers
        length = headers.get(b"content-length")
        if length is not None and int(length) > _MAX_BODY_BYTES:
            self._refuse(413, "body too large")
        if not parser.should_keep_alive():
            self._connection_line = _CLOSE
        elif b"connection" in headers and parser.get_http_version() == "1.0":  # 1.0 is kept alive only on request
            self._connection_line = _KEEP_ALIVE_1_0
        else:
            self._connection_line = _KEEP_ALIVE
        expect = headers.get(b"expect")
        self._expect_continue = expect is not None and expect.lower() == b"100-continue"
        self._in_body = True

    def on_body(self, body: bytes) -> None:
        self._body.append(body)
        self._body_size += len(body)
        if self._body_size > _MAX_BODY_BYTES:
            self._refuse(413, "body too large")

    def on_message_complete(self) -> None:
        self._in_body = self._expect_continue = False
        parts = self._body
        body = parts[0] if len(parts) == 1 else b"".join(parts)
        connection = self._connection_line
        self._queue.append((self._method, self._url.decode("latin-1"), self._headers, body, connection))
        if connection == _CLOSE:
            self._closing = True

    def _refuse(self, status: int, error: str) -> None:
        self._refusal = json_response(status, {"error": error})
        raise _StopParsing(error)

    # -- answering --

    def _finish(self, refusal: Response) -> None:
        """Queue ``refusal`` as the connection's last answer and parse nothing more."""
        self._queue.append(refusal)
        self._closing = True

    def _answer(self) -> None:
        """Answer queued requests in order until the queue is empty or a delayed answer holds it."""
        queue = self._queue
        while queue:
            item = queue.popleft()
            if isinstance(item, Response):
                self._reply(item, _CLOSE)
                return
            method, target, headers, body, connection = item
            response = self._emulator.handle(method, target, headers, body, self._serial)
            if response.delay > 0:
                self._waiting = True
                if self._transport is not None:
                    self._transport.pause_reading()
                self._loop.call_later(response.delay, self._reply_later, response, connection)
                return
            self._reply(response, connection)
        if self._expect_continue and self._in_body and not self._body_size and self._transport is not None:
            self._expect_continue = False
            self._transport.write(_CONTINUE)

    def _reply(self, response: Response, connection: bytes) -> None:
        transport = self._transport
        if transport is None:
            return
        transport.write(_render(response, connection))
        if connection == _CLOSE:
            transport.close()
            self._transport = None
            self._queue.clear()

    def _reply_later(self, response: Response, connection: bytes) -> None:
        self._waiting = False
        self._reply(response, connection)
        self._answer()
        if self._transport is not None and not self._waiting and not self._transport.is_closing():
            self._transport.resume_reading()


async def serve(
    emulator: FCMEmulator, host: str = "127.0.0.1", port: int = 9099, *, backlog: int = 1024
) -> asyncio.Server:
    """Start serving ``emulator`` on the running loop; the server's socket gives the bound port."""
    loop = asyncio.get_running_loop()
    read_buffer = memoryview(bytearray(_READ_BYTES))
    return await loop.create_server(
        lambda: _Connection(emulator, loop, read_buffer), host, port, backlog=backlog, reuse_address=True
    )
