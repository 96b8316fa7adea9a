"""The connector's Procore API client: OAuth (client credentials, authorization code with rotating refresh
tokens), ``Procore-Company-Id``, pagination, 429/503 backoff, named errors, and the ERP Integrations calls.

See README.md. ``sim.procore_fake`` is the API it is tested against; it runs unchanged against Procore.
"""

from connector.procore.auth import (
    AuthorizationCodeAuth,
    ClientCredentialsAuth,
    MemoryTokenStore,
    Token,
    TokenStore,
)
from connector.procore.client import ProcoreClient
from connector.procore.erp import ErpApi, SyncResult, WebhookRegistration
from connector.procore.errors import (
    ProcoreAuthError,
    ProcoreError,
    ProcoreForbidden,
    ProcoreNotFound,
    ProcoreRateLimited,
    ProcoreUnavailable,
    ProcoreValidationError,
)

__all__ = [
    "AuthorizationCodeAuth",
    "ClientCredentialsAuth",
    "ErpApi",
    "MemoryTokenStore",
    "ProcoreAuthError",
    "ProcoreClient",
    "ProcoreError",
    "ProcoreForbidden",
    "ProcoreNotFound",
    "ProcoreRateLimited",
    "ProcoreUnavailable",
    "ProcoreValidationError",
    "SyncResult",
    "Token",
    "TokenStore",
    "WebhookRegistration",
]
