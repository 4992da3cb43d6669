"""Updates already handled: a redelivered update changes nothing, and its reply is kept
until the channel has sent it (so a crash between commit and send loses no reply)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.crypto import cipher_of
from storage.database import fetch_one


@dataclass(frozen=True)
class Handled:
    reply: str | None  # the reply as JSON, as the service layer stored it
    delivered: bool


async def find(conn: aiosqlite.Connection, channel: str, update_id: int) -> Handled | None:
    row = await fetch_one(
        conn, "SELECT reply, delivered FROM processed_updates WHERE channel = ? AND update_id = ?",
        (channel, update_id),
    )
    return Handled(cipher_of(conn).open(row["reply"]), bool(row["delivered"])) if row else None


async def record(conn: aiosqlite.Connection, channel: str, update_id: int, now: str,
                 reply: str | None = None, person_id: int | None = None) -> None:
    await conn.execute(
        "INSERT INTO processed_updates (channel, update_id, handled_at, reply, person_id) "
        "VALUES (?, ?, ?, ?, ?)", (channel, update_id, now, cipher_of(conn).seal(reply), person_id),
    )


async def mark_delivered(conn: aiosqlite.Connection, channel: str, update_ids: list[int]) -> None:
    # The reply may hold the person's words; once sent it is not needed any more.
    await conn.executemany(
        "UPDATE processed_updates SET delivered = 1, reply = NULL WHERE channel = ? AND update_id = ?",
        [(channel, update_id) for update_id in update_ids],
    )


async def prune(conn: aiosqlite.Connection, before: str) -> int:
    """Forget delivered updates handled before `before`; Telegram keeps updates 24 hours."""
    cursor = await conn.execute(
        "DELETE FROM processed_updates WHERE handled_at < ? AND delivered = 1", (before,)
    )
    return cursor.rowcount
