"""A synchronous httpx transport that hands each request to an ASGI app in process, no sockets.

It answers the way a server in front of the app would: the whole request body is delivered, the whole
response body is read, and (with ``raise_app_exceptions=False``) an exception escaping the app becomes a
``500`` response instead of propagating into the caller. A Starlette/FastAPI app has sent its own
"Internal Server Error" page by then, as behind uvicorn; a bare ASGI app's 500 has an empty body where
uvicorn would add that text::

    client = httpx.Client(transport=AsgiTransport(app), base_url="http://testserver")
    client = asgi_client(app)                    # the same, in one call

It replaces Starlette's test client, whose httpx backend Starlette 1.10 deprecates: the Web Connector
emulator posts SOAP to an in-process connector through it (:class:`sim.webconnector.wire.Wire`), and the
conformance harness reaches the fake company file's HTTP face through it.

Threads: each calling thread runs the app on an event loop of its own, created on first use. Several
Web Connectors (one per company) may post to one in-process connector from different threads at once,
and a real server answers them concurrently (our routes run the blocking work in a thread pool); one
loop behind a lock would serialise them and hide exactly the interleavings those callers exercise, and
one loop in a background thread would cost a thread hop per request. The app must therefore not keep
state bound to one event loop (none of ours does: their locks are ``threading`` locks).

Not imitated: lifespan events (none of our apps has startup or shutdown handlers; ``conformance/serve.py``
runs uvicorn with ``lifespan="off"`` too), streaming in either direction, timeouts, and calling from
inside a running event loop (refused with ``RuntimeError``: use ``httpx.ASGITransport`` there).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

# The ASGI 3 application signature, as httpx.ASGITransport types it.
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Message, Receive, Send], Awaitable[None]]

DEFAULT_BASE_URL = "http://testserver"


class AsgiTransport(httpx.BaseTransport):
    """``httpx.ASGITransport`` made synchronous: one private event loop per calling thread.

    ``raise_app_exceptions`` (default ``True``, as httpx) lets an exception escaping the app propagate to
    the caller, which suits tests; ``False`` answers ``500`` as a real server would. ``close()`` closes
    every idle thread's loop at once; a thread still inside a request finishes it and then closes its own
    loop (a running loop cannot be closed from another thread). A thread that has ended has its loop
    closed as soon as another thread makes its first request.
    """

    def __init__(
        self,
        app: AsgiApp,
        *,
        raise_app_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("127.0.0.1", 123),
    ) -> None:
        self._asgi = httpx.ASGITransport(
            app=app, raise_app_exceptions=raise_app_exceptions, root_path=root_path, client=client
        )
        self._local = threading.local()
        self._runners: dict[threading.Thread, asyncio.Runner] = {}
        self._sending: set[threading.Thread] = set()  # threads inside a request (their loop is running)
        self._guard = threading.Lock()
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Reading turns any body (bytes, generator, file) into a ByteStream, which is also an async stream.
        request.read()
        runner = self._runner()
        me = threading.current_thread()
        with self._guard:
            self._sending.add(me)
        try:
            status, headers, body = runner.run(self._send(request))
        finally:
            with self._guard:
                self._sending.discard(me)
                closed_meanwhile = self._closed and self._runners.pop(me, None) is runner
            if closed_meanwhile:  # close() left this loop to its own thread
                runner.close()
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._asgi.handle_async_request(request)
        # Raw bytes: content decoding (gzip …) is left to the httpx.Client, as over a real connection.
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        return response.status_code, response.headers.raw, body

    def _runner(self) -> asyncio.Runner:
        if _in_event_loop():
            # Blocking here would stall the caller's own loop (and asyncio refuses to nest loops).
            raise RuntimeError(
                "AsgiTransport cannot be used from inside a running event loop; use httpx.ASGITransport"
            )
        runner: asyncio.Runner | None = getattr(self._local, "runner", None)
        if runner is None:
            with self._guard:
                if self._closed:
                    raise RuntimeError("AsgiTransport is closed")
                # An ended thread never runs its loop again: close it now, so a transport outliving many
                # short-lived threads does not keep their loops (and file descriptors) until close().
                for ended in [thread for thread in self._runners if not thread.is_alive()]:
                    self._runners.pop(ended).close()
                # loop_factory: the loop stays private (never installed as the thread's current loop).
                runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
                self._runners[threading.current_thread()] = runner
            self._local.runner = runner
        elif self._closed:
            raise RuntimeError("AsgiTransport is closed")
        return runner

    def close(self) -> None:
        """Refuse further requests; close the loops of threads not inside a request now."""
        with self._guard:
            self._closed = True
            idle = [thread for thread in self._runners if thread not in self._sending]
            runners = [self._runners.pop(thread) for thread in idle]
        for runner in runners:
            runner.close()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def asgi_client(
    app: AsgiApp,
    *,
    base_url: str = DEFAULT_BASE_URL,
    raise_app_exceptions: bool = True,
    **client_options: Any,
) -> httpx.Client:
    """An ``httpx.Client`` on an :class:`AsgiTransport`; closing the client closes the transport."""
    transport = AsgiTransport(app, raise_app_exceptions=raise_app_exceptions)
    return httpx.Client(transport=transport, base_url=base_url, **client_options)
