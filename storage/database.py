"""Opening the database: WAL, foreign keys, migrations, one transaction at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.crypto import Cipher, attach

log = logging.getLogger(__name__)


async def fetch_one(conn: aiosqlite.Connection, sql: str,
                    params: tuple[object, ...] = ()) -> aiosqlite.Row | None:
    """One row or None, in a single round trip to the database thread."""
    rows = list(await conn.execute_fetchall(sql, params))
    return rows[0] if rows else None


def default_key_file(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def migrations() -> list[tuple[int, str]]:
    """(number, SQL) for every `NNNN_name.sql` shipped in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    """One aiosqlite connection; transactions are serialised by a lock.

    SQLite allows one writer at a time anyway; the lock keeps two coroutines from
    interleaving statements inside one transaction on the shared connection.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path, cipher: Cipher) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()
        self.path = path
        self.cipher = cipher
        attach(connection, cipher)

    @classmethod
    async def open(cls, path: Path, cipher: Cipher | None = None) -> Database:
        """Open (creating if need be) the database; without a cipher, the key file beside
        it is used, and created on first run."""
        path.parent.mkdir(parents=True, exist_ok=True)
        cipher = cipher or Cipher.load_or_create(default_key_file(path))
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            db = cls(conn, path, cipher)
            await db._migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _migrate(self) -> None:
        row = await fetch_one(self._conn, "PRAGMA user_version")
        current = int(row[0]) if row else 0
        for number, sql in migrations():
            if number <= current:
                continue
            log.info("applying migration %04d", number)
            # executescript commits first; the version bump rides in the same script.
            await self._conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
