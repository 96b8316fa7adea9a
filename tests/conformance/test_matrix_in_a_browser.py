"""The HTML matrix renders in a real browser: headless Chromium takes a screenshot and dumps the DOM.

Debian's ``chromium`` is installed by ``.ci/run`` when missing; this test skips (saying so) only when no
Chromium could be installed on the machine.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conformance.matrix import CaseResult, judge, write

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--window-size=1400,900"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium is not installed and could not be (.ci/run installs Debian's chromium with "
                    "apt-get when missing)")
    return found


def test_the_html_matrix_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    results = [
        CaseResult("a::test_ok", "test_ok", "passed", ("O1", "O2")),
        CaseResult("a::test_bad", "failed", "failed", ("QBWC-AUTH-NVU",), "authenticate answered 'none'"),
    ]
    write(tmp_path, [judge("target under test", results)], results)
    page = (tmp_path / "matrix.html").as_uri()
    shot = tmp_path / "matrix.png"
    subprocess.run([browser, *FLAGS, f"--screenshot={shot}", page], check=True, capture_output=True,
                   timeout=120)
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 20_000  # a rendered table, not a blank page
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 900)
    dom = subprocess.run([browser, *FLAGS, "--dump-dom", page], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    assert "<h1>qbsim conformance matrix</h1>" in dom
    assert '<tr id="QBWC-AUTH-NVU">' in dom and '<td class="cell fail"' in dom
    assert "authenticate answered 'none'" in dom
    assert "1 MUST requirement(s) failed: QBWC-AUTH-NVU" in dom
    assert '<tr id="O2">' in dom and "Code → Item Name/Number" in dom
