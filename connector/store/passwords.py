"""Password hashing for Web Connector logins: PBKDF2-HMAC-SHA256 (stdlib), constant-time compare.

The Web Connector sends the password it stores (typed once by a person into QBWC) in clear text
inside authenticate() over HTTPS; the connector keeps only a salted slow hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KDF_NAME = "pbkdf2_sha256"
# OWASP 2023 recommendation for PBKDF2-HMAC-SHA256. Tests pass a small count through Settings.
DEFAULT_ITERATIONS = 600_000


@dataclass(frozen=True)
class PasswordHash:
    """A stored hash: algorithm, iterations, hex salt, hex digest."""

    kdf: str
    iterations: int
    salt: str
    digest: str


def hash_password(
    password: str, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None
) -> PasswordHash:
    """Hash ``password`` with a fresh 16-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return PasswordHash(KDF_NAME, iterations, salt.hex(), digest.hex())


def verify_password(password: str, stored: PasswordHash) -> bool:
    """Recompute and compare in constant time."""
    if stored.kdf != KDF_NAME:
        raise ValueError(f"unknown password KDF {stored.kdf!r}")
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode("utf-8"), bytes.fromhex(stored.salt), stored.iterations
    )
    return hmac.compare_digest(digest.hex(), stored.digest)
