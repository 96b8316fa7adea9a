"""Memory of the typed parse: peak while parsing a 5 MB response to records, against the lxml tree alone,
and whether the tree is freed once only the records are kept. Run: ``python -m benchmarks.qbxml.memory``.

Each measurement runs in a fresh interpreter. tracemalloc sees every Python allocation but not libxml2's
(the tree is C memory from ``malloc``), so the tree is measured as glibc's in-use heap (``mallinfo2``)
before and after ``lxml.etree.fromstring`` in a process that makes no Python objects meanwhile; the typed
parse's peak is that tree plus tracemalloc's peak over ``parse_response`` and reading every record (the
tree is alive the whole time). Release: the in-use C heap after the ResponseSet is dropped, records kept.
"""

from __future__ import annotations

import ctypes
import gc
import json
import subprocess
import sys
import tracemalloc
from typing import Any

ITEMS = 6_600  # about 5 MB of ItemServiceQueryRs


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
        "keepcost")]


def c_heap() -> int:
    """Bytes glibc's malloc has handed out and not yet got back (small chunks plus mmapped ones)."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return int(info.uordblks + info.hblkhd)


def _measure(kind: str) -> dict[str, Any]:
    from lxml import etree

    from benchmarks.qbxml.data import item_service_query
    from connector.qbxml import parse_response

    data = item_service_query(ITEMS)
    gc.collect()
    before = c_heap()
    if kind == "tree":
        root = etree.fromstring(data)
        result = {"bytes": len(data), "tree": c_heap() - before}
        del root
        return result
    tracemalloc.start()
    responses = parse_response(data)
    records = [list(response.records) for response in responses]
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del responses
    gc.collect()
    return {"python_peak": peak, "records": current, "c_heap_after_drop": c_heap() - before,
            "count": sum(len(batch) for batch in records)}


def _fresh(kind: str) -> dict[str, Any]:
    output = subprocess.run([sys.executable, "-m", "benchmarks.qbxml.memory", "--one", kind],
                            capture_output=True, text=True, check=True).stdout
    return dict(json.loads(output))


def report() -> str:
    tree = _fresh("tree")
    typed = _fresh("records")
    mb = 1e6
    peak = tree["tree"] + typed["python_peak"]
    left = typed["c_heap_after_drop"]
    return "\n".join([
        f"| memory: ItemServiceQueryRs x{typed['count']} ({tree['bytes'] / mb:.1f} MB) | MB | × tree |",
        "|---|---:|---:|",
        f"| lxml tree alone (C heap) | {tree['tree'] / mb:.1f} | 1.00 |",
        f"| parse_response + records: peak (tree + Python) | {peak / mb:.1f} | {peak / tree['tree']:.2f} |",
        f"| records kept (Python) | {typed['records'] / mb:.1f} | {typed['records'] / tree['tree']:.2f} |",
        f"| C heap left after dropping the ResponseSet, records kept | {left / mb:.1f} | "
        f"{left / tree['tree']:.2f} |",
    ]) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_measure(sys.argv[2])))
    else:
        print(report())
