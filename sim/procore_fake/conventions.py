"""Numbers and names from Procore's published conventions (reference/procore/api-conventions.json)."""

from __future__ import annotations

ACCESS_TOKEN_SECONDS = 5400  # 90 minutes: current Procore docs
AUTH_CODE_SECONDS = 600  # authorization codes: 10 minutes, single use
COMPANY_HEADER = "Procore-Company-Id"

DEFAULT_PER_PAGE = 100  # Procore's documented default page size
# Procore recommends per_page <= 2000 and clients send 10000: we clamp instead of refusing.
MAX_PER_PAGE = 2000
MAX_PER_PAGE_V11_PROJECTS = 300
SYNC_MAX_ITEMS = 1000

# Rate limits: two windows, the headers report whichever is closer to exhaustion.
HOURLY_WINDOW_SECONDS = 3600
SPIKE_WINDOW_SECONDS = 10
DEFAULT_HOURLY_LIMIT = 3600
DEFAULT_SPIKE_LIMIT = 25

# Webhook delivery: exponential retries 1 s .. 1 h, discarded after 12 h.
WEBHOOK_FIRST_RETRY_SECONDS = 1
WEBHOOK_MAX_RETRY_SECONDS = 3600
WEBHOOK_DISCARD_AFTER_SECONDS = 12 * 3600
