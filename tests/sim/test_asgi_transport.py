"""The in-process ASGI transport: what a server in front of the app would deliver and answer."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sim.asgi import AsgiTransport, Message, Receive, Send, asgi_client
from sim.webconnector.wire import Wire


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def echo(scope: Message, receive: Receive, send: Send) -> None:
    """Answers 201 with what it received: method, path, query, headers and the body's size, and the body."""
    body = await _body(receive)
    seen = {
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
        "size": len(body),
    }
    await _answer(
        send,
        201,
        [(b"x-seen", json.dumps(seen).encode()), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")],
        body,
    )


async def crash(scope: Message, receive: Receive, send: Send) -> None:
    raise ValueError("the app fell over")


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with asgi_client(echo) as http:
        yield http


def test_status_headers_and_body_round_trip(client: httpx.Client) -> None:
    response = client.post(
        "/qbwc?wsdl=1", content=b"<soap/>", headers={"SOAPAction": '"http://developer.intuit.com/x"'}
    )
    assert response.status_code == 201
    assert response.content == b"<soap/>"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    seen = json.loads(response.headers["x-seen"])
    assert (seen["method"], seen["path"], seen["query"], seen["size"]) == ("POST", "/qbwc", "wsdl=1", 7)
    assert seen["headers"]["soapaction"] == '"http://developer.intuit.com/x"'
    assert seen["headers"]["host"] == "testserver"
    assert seen["headers"]["content-length"] == "7"


def test_a_large_streamed_body_arrives_whole_and_comes_back_whole(client: httpx.Client) -> None:
    chunk = bytes(range(256)) * 4096  # 1 MiB

    def upload() -> Iterator[bytes]:
        for _ in range(8):
            yield chunk

    response = client.post("/big", content=upload())
    assert json.loads(response.headers["x-seen"])["size"] == 8 * len(chunk)
    assert response.content == chunk * 8


def test_response_bytes_stay_raw_for_the_client_to_decode() -> None:
    """A gzip-encoded answer is handed over as sent; httpx decodes it once, as over a socket."""

    async def gzipped(scope: Message, receive: Receive, send: Send) -> None:
        await _answer(send, 200, [(b"content-encoding", b"gzip")], gzip.compress(b"<QBXML/>"))

    with asgi_client(gzipped) as http:
        assert http.get("/").content == b"<QBXML/>"


def test_an_app_exception_propagates_by_default() -> None:
    with asgi_client(crash) as http, pytest.raises(ValueError, match="^the app fell over$"):
        http.get("/")


def test_an_app_exception_is_a_500_when_configured() -> None:
    with asgi_client(crash, raise_app_exceptions=False) as http:
        response = http.get("/")
    assert (response.status_code, response.content) == (500, b"")


def test_a_starlette_app_exception_is_its_own_500_page_when_configured() -> None:
    """Starlette's ServerErrorMiddleware answers first and re-raises; the answer it sent is kept."""
    app = FastAPI()

    @app.get("/")
    def fail() -> None:
        raise ValueError("the app fell over")

    with asgi_client(app, raise_app_exceptions=False) as http:
        response = http.get("/")
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_the_web_connector_wire_answers_an_app_exception_with_a_500() -> None:
    """Wire hands an ASGI app to the transport with raise_app_exceptions=False: a broken web service is
    an HTTP 500 on the exchange, as a real server in front of it would answer."""
    wire = Wire(crash)
    try:
        response = wire.post("http://localhost:8000/qbwc", b"<soap/>", {"Content-Type": "text/xml"})
    finally:
        wire.close()
    assert response.status_code == 500
    assert wire.last is not None
    assert (wire.last.status, wire.last.response_body, wire.last.transport_error) == (500, b"", None)


def test_two_threads_are_answered_concurrently_each_with_its_own_reply() -> None:
    """Both requests are inside the app at once (a serialising transport would break the barrier)."""
    barrier = threading.Barrier(2, timeout=30)  # the timeout only turns a deadlock into a failure

    async def meet(scope: Message, receive: Receive, send: Send) -> None:
        body = await _body(receive)
        barrier.wait()  # blocks this thread's own event loop until the other request arrives
        await _answer(send, 200, [], body.upper())

    answers: dict[str, bytes] = {}
    errors: list[BaseException] = []

    def call(name: str) -> None:
        try:
            answers[name] = http.post("/", content=name.encode()).content
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    with asgi_client(meet) as http:
        threads = [threading.Thread(target=call, args=(name,)) for name in ("one", "two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert answers == {"one": b"ONE", "two": b"TWO"}


def test_close_closes_every_threads_loop_and_refuses_further_requests() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def record_loop(scope: Message, receive: Receive, send: Send) -> None:
        loops.append(asyncio.get_running_loop())
        await _answer(send, 204, [], b"")

    transport = AsgiTransport(record_loop)
    http = httpx.Client(transport=transport, base_url="http://testserver")
    http.get("/")
    worker = threading.Thread(target=http.get, args=("/",))
    worker.start()
    worker.join()
    http.get("/")
    assert len(loops) == 3 and loops[0] is loops[2] and loops[0] is not loops[1]
    http.close()
    assert all(loop.is_closed() for loop in loops)
    with pytest.raises(RuntimeError, match="^AsgiTransport is closed$"):
        transport.handle_request(httpx.Request("GET", "http://testserver/"))


def test_an_ended_threads_loop_is_closed_when_another_thread_first_calls() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def record_loop(scope: Message, receive: Receive, send: Send) -> None:
        loops.append(asyncio.get_running_loop())
        await _answer(send, 204, [], b"")

    with asgi_client(record_loop) as http:
        for _ in range(2):
            worker = threading.Thread(target=http.get, args=("/",))
            worker.start()
            worker.join()
        assert len(loops) == 2 and loops[0] is not loops[1]
        assert (loops[0].is_closed(), loops[1].is_closed()) == (True, False)
    assert loops[1].is_closed()


def test_calling_from_inside_a_running_event_loop_is_refused(client: httpx.Client) -> None:
    async def inside() -> Any:
        return client.get("/")

    with pytest.raises(RuntimeError) as info:
        asyncio.run(inside())
    assert str(info.value) == (
        "AsgiTransport cannot be used from inside a running event loop; use httpx.ASGITransport"
    )


def test_wire_closes_only_the_client_it_made() -> None:
    import httpx

    from sim.webconnector.wire import Wire

    theirs = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, text="ok")))
    Wire(theirs).close()
    assert not theirs.is_closed  # still the caller's: it may serve the next Web Connector
    assert theirs.get("http://qb.local/").text == "ok"
    theirs.close()
    mine = Wire(None)
    mine.close()
    assert mine.client.is_closed


def test_close_while_another_thread_is_inside_a_request_lets_it_finish() -> None:
    """The busy thread's loop is running: close() leaves it, the request completes, then it is closed."""
    inside, release = threading.Event(), threading.Event()
    loops: list[asyncio.AbstractEventLoop] = []

    async def slow(scope: Message, receive: Receive, send: Send) -> None:
        loops.append(asyncio.get_running_loop())
        inside.set()
        release.wait(timeout=30)  # the timeout only turns a deadlock into a failure
        await _answer(send, 200, [], b"finished")

    transport = AsgiTransport(slow)
    http = httpx.Client(transport=transport, base_url="http://testserver")
    answers: list[bytes] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            answers.append(http.get("/").content)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    assert inside.wait(timeout=30)
    transport.close()  # from this thread, while the worker's loop runs its request
    assert not loops[0].is_closed()
    release.set()
    worker.join()
    assert (errors, answers) == ([], [b"finished"])
    assert loops[0].is_closed()
    with pytest.raises(RuntimeError, match="^AsgiTransport is closed$"):
        transport.handle_request(httpx.Request("GET", "http://testserver/"))
