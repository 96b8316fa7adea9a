"""Attachments uploaded with a write: the ``attachments[]`` file parts of a multipart/form-data body.

Procore's OAS takes them on work order / purchase order contracts, direct costs, requisitions and contract
payments, and shows them as ``attachments: [{id, url, filename}]`` (requisitions add ``content_type``).
Each upload is kept as an ``attachment`` record (file name, content type, size, holder); the file's bytes
are not kept, so ``url`` is null (Procore's is a signed storage URL). ``content_type`` is shown on every
holder for simplicity. Uploads are taken from the top level (``attachments[]``, as the OAS documents) and
from inside the object's wrapper (``direct_cost[attachments][]``, as Rails would also permit; inferred).
"""

from __future__ import annotations

from typing import Any

from sim.procore_fake.multipart import Upload
from sim.procore_fake.store import Record, Store


def uploads(data: dict[str, Any], attrs: dict[str, Any]) -> list[Upload]:
    found: list[Upload] = []
    for source in (data.get("attachments"), attrs.get("attachments")):
        items = source if isinstance(source, list) else [source]
        found.extend(item for item in items if isinstance(item, Upload))
    return found


def attach(store: Store, kind: str, record: Record, files: list[Upload]) -> Record:
    """Add the uploads to the record's ``attachments`` (JSON writes carry none: nothing changes)."""
    if not files:
        return record
    owner = store.owner(kind, record["id"]) or (None, None)
    views = list(record.get("attachments") or [])
    for upload in files:
        kept = store.add(
            "attachment",
            {
                "filename": upload.filename,
                "content_type": upload.content_type,
                "size": upload.size,
                "holder_type": kind,
                "holder_id": record["id"],
            },
            company_id=owner[0],
            project_id=owner[1],
        )
        views.append(
            {"id": kept["id"], "url": None, "filename": upload.filename, "content_type": upload.content_type}
        )
    record["attachments"] = views
    return store.put(kind, record)
