"""Serve the fake over real HTTP: uvicorn on 127.0.0.1 in a background thread (ephemeral port).

Used by tests that drive a third-party Procore client with its own HTTP stack, and by ``qbsim`` to run
the fake beside the connector. ``stop()`` shuts uvicorn down and joins the thread.

The listening socket is bound and put in ``listen()`` before the server thread starts (as
``conformance.serve`` does), so a client's first request waits in the kernel's backlog until uvicorn
accepts it: nothing polls or sleeps for the server to come up, and no "free port" can be taken by
someone else between choosing it and binding it.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Any

import uvicorn

STOP_TIMEOUT_SECONDS = 10.0
BACKLOG = 64


class BackgroundServer:
    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        """``app``: the fake's FastAPI app, or any ASGI app (``app.bind_state`` gives one per state)."""
        self.app = app
        self.host = host
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.port = int(self._sock.getsockname()[1])
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="procore-fake", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> BackgroundServer:
        self._sock.listen(BACKLOG)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop uvicorn (if started) and release the socket (also when ``start()`` was never called)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=STOP_TIMEOUT_SECONDS)
        self._sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
