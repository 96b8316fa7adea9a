"""Serve an ASGI app (the connector) on a real localhost socket, so a target is reached by URL.

The listening socket is bound and put in ``listen()`` *before* the server thread starts, so the first
request simply waits in the kernel's backlog until uvicorn accepts it: nothing polls or sleeps for the
server to come up. ``bind(app)`` binds without serving yet, for an app that must know its own URL before
it is built (the connector registers its webhook URL with Procore).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Any

import uvicorn

STOP_TIMEOUT_SECONDS = 10.0


@dataclass
class Served:
    """A running server: its base URL and how to stop it."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket

    def start(self) -> Served:
        """Serve from now on (requests that arrived since the bind wait in the backlog until then)."""
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(STOP_TIMEOUT_SECONDS)
        self.sock.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(app: Any, host: str = "localhost", *, lifespan: str = "off") -> Served:
    """Start ``app`` on ``host`` at a free port in a daemon thread."""
    return bind(app, host, lifespan=lifespan).start()


def bind(app: Any, host: str = "localhost", *, lifespan: str = "off") -> Served:
    """``app`` bound to a free port of ``host`` and listening, not yet served (:meth:`Served.start`).

    ``lifespan="on"`` runs the app's start-up (e.g. the connector registering with Procore) when served.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan=lifespan, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    return Served(f"http://{host}:{port}", server, thread, sock)
