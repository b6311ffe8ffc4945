"""A real loopback HTTP/1.1 server around FakeXAI, in a background thread.

Streams use chunked transfer encoding, so a `Drop` (connection cut without the
terminating chunk) is visible to the client as an incomplete body. Pauses wait
on a stop event and watch the socket, so a stall ends at once when the server
stops or the client goes away.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from grok_tui.fake.core import FakeXAI
from grok_tui.fake.files_api import PACED_READ_BYTES, UploadPlan
from grok_tui.fake.wire import Drop, Pause


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, addr: tuple[str, int], fake: FakeXAI) -> None:
        self.fake = fake
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        self.active_streams = 0
        self.idle = threading.Condition(self.conn_lock)
        super().__init__(addr, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.conn_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.conn_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (reset, broken pipe) is normal for a test
        server; only unexpected errors get the default traceback."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)) or self.stopping.is_set():
            return
        super().handle_error(request, client_address)

    def close_all_connections(self) -> None:
        with self.conn_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _ClientGone(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Frames are small writes: without NODELAY, Nagle + delayed ACK add ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet: tests and the CLI do not want access logs on stderr

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        headers = {k: v for k, v in self.headers.items()}
        plan = self.server.fake.upload_plan(self.command, self.path, headers)
        if plan is None:
            body = self.rfile.read(length) if length else b""
        else:
            paced = self._read_paced(length, plan)
            if paced is None:  # dropped on purpose, or the client went away
                self._drop()
                return
            body = paced
        resp = self.server.fake.handle(self.command, self.path, headers, body)
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if not resp.streaming:
            data = bytes(resp.body)  # type: ignore[arg-type]
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            return
        self.send_header("transfer-encoding", "chunked")
        self.send_header("cache-control", "no-cache")
        self.end_headers()
        with self.server.idle:
            self.server.active_streams += 1
        try:
            self._stream(resp)
        finally:
            with self.server.idle:
                self.server.active_streams -= 1
                self.server.idle.notify_all()

    def _read_paced(self, length: int, plan: UploadPlan) -> bytes | None:
        """The body read in pieces at the plan's pace; None when the plan drops
        the connection part way or the client went away first."""
        limit = length if plan.drop_after is None else min(length, plan.drop_after)
        start = time.monotonic()
        parts: list[bytes] = []
        got = 0
        while got < limit:
            try:
                piece = self.rfile.read(min(PACED_READ_BYTES, limit - got))
            except OSError:
                return None
            if not piece:
                return None
            parts.append(piece)
            got += len(piece)
            wait = start + plan.delay_until(got) - time.monotonic()
            if wait > 0 and self.server.stopping.wait(wait):
                return None
        return None if plan.drop_after is not None else b"".join(parts)

    def _stream(self, resp: Any) -> None:
        try:
            self.wfile.flush()
            for item in resp.iter_body():
                if self.server.stopping.is_set():
                    raise _ClientGone
                if isinstance(item, Pause):
                    self._pause(item.seconds)
                elif isinstance(item, Drop):
                    self._drop()
                    return
                elif item:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(item), item))
                    self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (_ClientGone, OSError):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _pause(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        sock = self.connection
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.server.stopping.wait(min(left, 0.05)):
                raise _ClientGone
            # The client closed its end: the socket turns readable with EOF.
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                try:
                    peek = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    raise _ClientGone from None
                if not peek:
                    raise _ClientGone

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = _handle
    do_POST = _handle
    do_PUT = _handle
    do_DELETE = _handle
    do_PATCH = _handle


class FakeServer:
    """Serve a FakeXAI on a loopback port. `url` is the API root incl. `/v1`."""

    def __init__(self, fake: FakeXAI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeServer is not started")
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> FakeServer:
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), self.fake)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fake-xai:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.close_all_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def wait_idle(self, timeout: float = 20.0) -> bool:
        """Block until no stream is being written (e.g. after a client went
        away mid-stall). False on timeout."""
        server = self._server
        if server is None:
            return True
        with server.idle:
            return server.idle.wait_for(lambda: server.active_streams == 0, timeout)

    @property
    def active_streams(self) -> int:
        server = self._server
        return 0 if server is None else server.active_streams

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
