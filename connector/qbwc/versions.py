"""clientVersion: which Web Connector builds the connector works with (seed 001, "Requirements").

Procore lists QBWC 31.0.10015.29, 32.0.10011.30, 33.0.1006.28 and 34.0.1001.27. The answers
follow the QBWC Programmer's Guide: ``""`` proceed; ``W:<text>`` warning the user may dismiss;
``E:<text>`` error, update cancelled; ``O:<version>`` the service expects at least that version.

Chosen mapping (Procore does not document what its service answers):
- a listed build → ``""``;
- an older build of a listed major (e.g. 31.0.10015.10) → ``O:<the listed build>``;
- a newer unlisted build of a listed major, or a major newer than 34 → ``W:`` (untested);
- a major older than 31 (QBWC 2.x and earlier numbering) or an unreadable string → ``E:``;
- no version sent → ``W:`` (cannot tell).
"""

from __future__ import annotations

SUPPORTED_QBWC_VERSIONS = ("31.0.10015.29", "32.0.10011.30", "33.0.1006.28", "34.0.1001.27")


def _parse(version: str) -> tuple[int, ...] | None:
    try:
        parts = tuple(int(p) for p in version.strip().split("."))
    except ValueError:
        return None
    return parts if parts else None


def client_version_answer(version: str | None, supported: tuple[str, ...] = SUPPORTED_QBWC_VERSIONS) -> str:
    """The clientVersionResult for a Web Connector reporting ``version``."""
    listed = ", ".join(supported)
    if not version or not version.strip():
        return f"W:The Web Connector did not report its version. Supported versions: {listed}."
    parsed = _parse(version)
    if parsed is None:
        return f"E:Unrecognised Web Connector version {version!r}. Supported versions: {listed}."
    by_major: dict[int, tuple[tuple[int, ...], str]] = {}
    for listed_version in supported:
        listed_parts = _parse(listed_version)
        if listed_parts is not None:
            by_major[listed_parts[0]] = (listed_parts, listed_version)
    major = parsed[0]
    if version.strip() in supported:
        return ""
    if major in by_major:
        wanted_parts, wanted = by_major[major]
        if parsed < wanted_parts:
            return f"O:{wanted}"
        return (
            f"W:Web Connector {version} is newer than the build Procore supports for this release "
            f"({wanted}); it has not been tested with this connector."
        )
    if major > max(by_major):
        return (
            f"W:Web Connector {version} is newer than the versions Procore supports ({listed}); "
            "it has not been tested with this connector."
        )
    return (
        f"E:Web Connector {version} is not supported by the Procore QuickBooks Desktop connector. "
        f"Install one of: {listed}."
    )
