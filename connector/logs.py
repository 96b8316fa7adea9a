"""Standard logging for a served connector: one handler on the root logger, a level named by the user.

The connector's loggers (``connector.qbwc.*``: each Web Connector session and its qbXML batches;
``connector.procore.*``: registration, each ERP Request taken in, planned and closed) propagate here;
uvicorn's are routed here too (``log_config=None``) so one ``--log-level`` governs everything.
"""

from __future__ import annotations

import logging
import sys

from connector.configfile import parse_log_level

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
#: Libraries that log every HTTP request at INFO: only shown at ``debug`` (the connector's own loggers
#: already say what each Procore call was for).
CHATTY = ("httpx", "httpcore")


def configure_logging(level: str) -> int:
    """Log at ``level`` (``debug`` … ``critical``) to stderr; returns the numeric level."""
    number = parse_log_level(level)
    logging.basicConfig(level=number, format=FORMAT, stream=sys.stderr, force=True)
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.NOTSET if number <= logging.DEBUG else logging.WARNING)
    return number
