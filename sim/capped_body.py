"""A request body read with a size cap, for the fakes' HTTP faces (the outside sends what it likes).

The cap is enforced twice: on ``Content-Length`` before anything is read, and while the body streams in
(a chunked or lying body), so an oversized body never sits in memory whole. Each fake turns
:class:`BodyTooLarge` into its own real-world answer (QuickBooks' parse HRESULT, Procore's 4xx body).
"""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    """The body exceeds ``cap``; ``declared`` is its Content-Length, None when the stream gave it away."""

    def __init__(self, declared: int | None, cap: int) -> None:
        super().__init__(f"request body over {cap} bytes")
        self.declared = declared
        self.cap = cap


async def read_capped(request: Request, cap: int) -> bytes:
    """The whole body, or :class:`BodyTooLarge` as soon as it is known to exceed ``cap`` bytes."""
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(int(declared), cap)
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > cap:
            raise BodyTooLarge(None, cap)
    return bytes(raw)
