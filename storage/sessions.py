"""Sessions: one run of one flow for one person, with the engine's state as JSON."""

from __future__ import annotations

import aiosqlite

from storage.crypto import cipher_of
from storage.database import fetch_one
from storage.models import Session, SessionStatus

_COLUMNS = "id, person_id, dialog_id, dialog_version, status, state"


def _session(conn: aiosqlite.Connection, row: aiosqlite.Row) -> Session:
    return Session(id=row["id"], person_id=row["person_id"], dialog_id=row["dialog_id"],
                   dialog_version=row["dialog_version"], status=row["status"],
                   state=cipher_of(conn).open(row["state"]) or "{}")


async def active(conn: aiosqlite.Connection, person_id: int) -> Session | None:
    row = await fetch_one(
        conn, f"SELECT {_COLUMNS} FROM sessions WHERE person_id = ? AND status = 'active'", (person_id,)
    )
    return _session(conn, row) if row else None


async def latest_paused(conn: aiosqlite.Connection, person_id: int,
                        dialog_id: str | None = None) -> Session | None:
    query = f"SELECT {_COLUMNS} FROM sessions WHERE person_id = ? AND status = 'paused'"
    params: tuple[object, ...] = (person_id,)
    if dialog_id is not None:
        query += " AND dialog_id = ?"
        params += (dialog_id,)
    row = await fetch_one(conn, query + " ORDER BY updated_at DESC, id DESC LIMIT 1", params)
    return _session(conn, row) if row else None


async def create(conn: aiosqlite.Connection, person_id: int, dialog_id: str, version: int,
                 state: str, now: str) -> int:
    cursor = await conn.execute(
        "INSERT INTO sessions (person_id, dialog_id, dialog_version, status, state, started_at, "
        "updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?)",
        (person_id, dialog_id, version, cipher_of(conn).seal(state), now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def save(conn: aiosqlite.Connection, session_id: int, *, state: str, version: int,
               status: SessionStatus, now: str) -> None:
    await conn.execute(
        "UPDATE sessions SET state = ?, dialog_version = ?, status = ?, updated_at = ? "
        "WHERE id = ?", (cipher_of(conn).seal(state), version, status, now, session_id),
    )


async def set_status(conn: aiosqlite.Connection, session_id: int, status: SessionStatus,
                     now: str) -> None:
    await conn.execute("UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?",
                       (status, now, session_id))


async def leave_older(conn: aiosqlite.Connection, person_id: int, dialog_id: str, before: str,
                      now: str) -> bool:
    """Runs of this flow left open since before then: left as they are (their answers stay),
    so a new occurrence starts afresh. True if there were any."""
    cursor = await conn.execute(
        "UPDATE sessions SET status = 'cancelled', updated_at = ? WHERE person_id = ? AND "
        "dialog_id = ? AND status IN ('active', 'paused') AND updated_at < ?",
        (now, person_id, dialog_id, before))
    return cursor.rowcount > 0


async def delete(conn: aiosqlite.Connection, session_id: int) -> None:
    await conn.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
    await conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


async def finished_runs(conn: aiosqlite.Connection, person_id: int, dialog_id: str) -> int:
    row = await fetch_one(
        conn, "SELECT COUNT(*) FROM sessions WHERE person_id = ? AND dialog_id = ? AND status = 'finished'",
        (person_id, dialog_id),
    )
    return int(row[0]) if row else 0
