"""Companies and Web Connector users: one company file per user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connector.store.models import Company, User
from connector.store.passwords import DEFAULT_ITERATIONS, PasswordHash, hash_password, verify_password


@dataclass(frozen=True)
class Account:
    """An authenticated user and the company file it syncs."""

    username: str
    company_key: str
    company_file: str


class UserStore:
    """Create users and check their passwords."""

    def __init__(self, sessions: sessionmaker[Session], iterations: int = DEFAULT_ITERATIONS) -> None:
        self._sessions = sessions
        self._iterations = iterations
        # Spends the same KDF time on an unknown user name as on a wrong password (made on first use).
        self._dummy: PasswordHash | None = None

    def add_company(self, key: str, company_file: str = "") -> None:
        """Register a company file (idempotent; updates the path)."""
        with self._sessions.begin() as db:
            company = db.get(Company, key)
            if company is None:
                db.add(Company(key=key, company_file=company_file))
            else:
                company.company_file = company_file

    def ensure_company(self, key: str) -> None:
        """Register a company file if unknown (its path, if any, is left as it is)."""
        with self._sessions.begin() as db:
            if db.get(Company, key) is None:
                db.add(Company(key=key, company_file=""))

    def add_user(self, username: str, password: str, company_key: str, company_file: str = "") -> None:
        """Create or replace ``username``; creates the company when unknown."""
        if not username:
            raise ValueError("user name must not be empty")
        hashed = hash_password(password, self._iterations)
        with self._sessions.begin() as db:
            if db.get(Company, company_key) is None:
                db.add(Company(key=company_key, company_file=company_file))
            db.merge(
                User(
                    username=username,
                    company_key=company_key,
                    password_salt=hashed.salt,
                    password_hash=hashed.digest,
                    kdf=hashed.kdf,
                    kdf_iterations=hashed.iterations,
                )
            )

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account when the password matches, else None (same KDF cost either way)."""
        with self._sessions() as db:
            row = db.execute(
                select(User, Company)
                .join(Company, User.company_key == Company.key)
                .where(User.username == username)
            ).first()
        if row is None:
            if self._dummy is None:
                self._dummy = hash_password("", self._iterations)
            verify_password(password, self._dummy)
            return None
        user, company = row
        stored = PasswordHash(user.kdf, user.kdf_iterations, user.password_salt, user.password_hash)
        if not verify_password(password, stored):
            return None
        return Account(user.username, company.key, company.company_file)

    def bind_company_file(self, company_key: str, opened_file: str) -> str | None:
        """Bind ``company_key`` to the file QuickBooks opened; the bound path if it is another file.

        Windows paths compare case-insensitively. The first file seen is kept for good (seed 001:
        one QuickBooks company file per Procore company).
        """
        with self._sessions.begin() as db:
            company = db.get(Company, company_key)
            if company is None:
                raise KeyError(company_key)
            expected = company.company_file or company.bound_file
            if not expected:
                company.bound_file = opened_file
                return None
            return None if expected.casefold() == opened_file.casefold() else expected

    def company_file(self, company_key: str) -> str:
        """The company file path registered for ``company_key`` ("" = whichever file is open)."""
        with self._sessions() as db:
            company = db.get(Company, company_key)
            if company is None:
                raise KeyError(company_key)
            return company.company_file
