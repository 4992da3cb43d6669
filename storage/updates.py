"""Updates already handled: a redelivered update is recognised and changes nothing."""

from __future__ import annotations

import aiosqlite


async def seen(conn: aiosqlite.Connection, channel: str, update_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?", (channel, update_id)
    ) as cursor:
        return await cursor.fetchone() is not None


async def record(conn: aiosqlite.Connection, channel: str, update_id: int, now: str) -> None:
    await conn.execute(
        "INSERT INTO processed_updates (channel, update_id, handled_at) VALUES (?, ?, ?)",
        (channel, update_id, now),
    )
