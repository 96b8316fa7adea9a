"""The HTML trace of `qbsim repro` renders in headless Chromium: a screenshot is taken and the rendered
page's content is checked (the verdict, each kind of event, the bodies folded under <details>)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qbsim.cli import app

SCENARIO = (
    Path(__file__).parents[2]
    / "conformance"
    / "scenarios"
    / "files"
    / "web-connector-killed-mid-session.yaml"
)
BROWSER = next(
    (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--window-size=1280,1600",
]


def _png(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG (no imaging library needed)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


@pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (apt-get install chromium)")
def test_the_trace_renders_in_headless_chromium(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["repro", str(SCENARIO), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "trace.html").resolve().as_uri()
    shot = tmp_path / "trace.png"
    subprocess.run(
        [str(BROWSER), *FLAGS, f"--screenshot={shot}", page], check=True, capture_output=True, timeout=120
    )
    width, height, pixels = _png(shot)
    assert (width, height) == (1280, 1600)
    assert len(set(pixels)) > 50  # text, colours and rules were drawn, not a blank page
    dom = subprocess.run(
        [str(BROWSER), *FLAGS, "--dump-dom", page], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    assert "PASS: 5 of 5 expectations held" in dom
    for kind in ("step", "soap", "qbxml", "procore", "webhook", "state", "check"):
        assert f'<tr class="{kind}' in dom, kind
    assert "<details><summary>QuickBooks is asked: ItemServiceAddRq</summary>" in dom
    assert 'class="qbxml failed"' in dom  # the answer the dying Web Connector never passed on
