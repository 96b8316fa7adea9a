"""Procore OAuth tokens, durable: one row per connection in ``procore_tokens``.

Procore's refresh tokens are single use and rotate on every refresh (the old one is dead the moment Procore
answers), so the connector's Procore client saves each new pair here *before* it uses the access token; a
crash after that still finds the one valid refresh token. ``save`` is one transaction (an upsert by
connection key): the pair is replaced whole or not at all.

``Token`` lives here, in the lowest layer, so the store never imports the Procore client
(``connector.procore.auth`` re-exports it and defines the ``TokenStore`` protocol this satisfies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from connector.store.models import Base, UtcDateTime


@dataclass(frozen=True)
class Token:
    """An OAuth token pair as Procore issued it (client credentials tokens have no refresh token).

    ``expires_at`` is computed on receipt from ``expires_in`` (5400 s at Procore) on the connector's clock.
    ``repr`` hides both secrets, so a token logged by accident shows only its expiry.
    """

    access_token: str
    expires_at: datetime
    refresh_token: str | None = None
    token_type: str = "bearer"

    def __post_init__(self) -> None:
        if self.expires_at.tzinfo is None:
            raise ValueError("Token.expires_at must be timezone-aware")

    def expires_within(self, now: datetime, skew: timedelta) -> bool:
        """True when the access token is expired or expires within ``skew`` of ``now``."""
        return now + skew >= self.expires_at

    def __repr__(self) -> str:
        refresh = ", refresh_token=<hidden>" if self.refresh_token else ""
        return f"Token(access_token=<hidden>{refresh}, expires_at={self.expires_at.isoformat()})"


class ProcoreTokenRow(Base):
    """The current token pair of one Procore connection (a company's OAuth grant)."""

    __tablename__ = "procore_tokens"
    connection_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    token_type: Mapped[str] = mapped_column(String(40), default="bearer")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SqlTokenStore:
    """``TokenStore`` over the connector's database; ``connection_key`` names the Procore connection
    (e.g. the company key), so several connections share the table."""

    def __init__(self, sessions: sessionmaker[Session], connection_key: str) -> None:
        self._sessions = sessions
        self.connection_key = connection_key

    def load(self) -> Token | None:
        with self._sessions() as db:
            row = db.get(ProcoreTokenRow, self.connection_key)
            if row is None:
                return None
            return Token(
                access_token=row.access_token,
                refresh_token=row.refresh_token,
                token_type=row.token_type,
                expires_at=row.expires_at,
            )

    def save(self, token: Token) -> None:
        """Replace the stored pair in one committed transaction (raises if the commit fails)."""
        with self._sessions() as db, db.begin():
            db.merge(
                ProcoreTokenRow(
                    connection_key=self.connection_key,
                    access_token=token.access_token,
                    refresh_token=token.refresh_token,
                    token_type=token.token_type,
                    expires_at=token.expires_at,
                )
            )
