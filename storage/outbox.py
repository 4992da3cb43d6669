"""The outbox: every due check-in, from due to sent (or skipped, or failed) — never lost."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.database import fetch_one


@dataclass(frozen=True)
class Item:
    id: int
    person_id: int
    channel: str
    external_id: str
    dialog_id: str
    due_at: str
    attempts: int


async def enqueue(conn: aiosqlite.Connection,
                  rows: list[tuple[int, int, str, str, str, str, str | None]]) -> None:
    """[(slot id, person id, flow, due_at, send_after, status, reason)]; a slot's due time
    goes in once, however often a tick runs."""
    await conn.executemany(
        "INSERT INTO outbox (schedule_id, person_id, dialog_id, due_at, send_after, status, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, due_at) DO NOTHING",
        rows,
    )


async def ready(conn: aiosqlite.Connection, now: str, limit: int) -> list[Item]:
    rows = await conn.execute_fetchall(
        "SELECT o.id, o.person_id, p.channel, p.external_id, o.dialog_id, o.due_at, o.attempts "
        "FROM outbox o JOIN people p ON p.id = o.person_id "
        "WHERE o.status = 'pending' AND o.send_after <= ? ORDER BY o.send_after, o.id LIMIT ?",
        (now, limit))
    return [Item(*row) for row in rows]


async def mark_sent(conn: aiosqlite.Connection, ids: list[int], now: str) -> None:
    await conn.executemany(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, answered = NULL "
        "WHERE id = ?",
        [(now, i) for i in ids])


async def postpone(conn: aiosqlite.Connection, item_id: int, until: str,
                   count_attempt: bool) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'pending', send_after = ?, attempts = attempts + ? "
        "WHERE id = ?", (until, 1 if count_attempt else 0, item_id))


async def finish(conn: aiosqlite.Connection, item_id: int, status: str, reason: str) -> None:
    """Skipped or failed, with a reason an operator can read (never personal text)."""
    await conn.execute("UPDATE outbox SET status = ?, reason = ? WHERE id = ?",
                       (status, reason, item_id))


async def offered(conn: aiosqlite.Connection, item_id: int,
                  person_id: int) -> tuple[str, str | None, str] | None:
    """(flow, answered, due_at) of a check-in offered to this person, if it is theirs and sent."""
    row = await fetch_one(
        conn, "SELECT dialog_id, answered, due_at FROM outbox WHERE id = ? AND person_id = ? "
        "AND status = 'sent'", (item_id, person_id))
    return (row[0], row[1], row[2]) if row else None


async def answer(conn: aiosqlite.Connection, item_id: int, answered: str) -> None:
    await conn.execute("UPDATE outbox SET answered = ? WHERE id = ?", (answered, item_id))


async def waiting_for(conn: aiosqlite.Connection, person_id: int, now: str) -> list[int]:
    """Pending check-ins of a person that are ready now (offered after a flow ends)."""
    rows = await conn.execute_fetchall(
        "SELECT id FROM outbox WHERE person_id = ? AND status = 'pending' AND send_after <= ? "
        "ORDER BY send_after", (person_id, now))
    return [r[0] for r in rows]


async def drop_pending(conn: aiosqlite.Connection, person_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE outbox SET status = 'skipped', reason = ? WHERE person_id = ? AND status = 'pending'",
        (reason, person_id))


async def counts(conn: aiosqlite.Connection) -> dict[str, int]:
    rows = await conn.execute_fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    found = {r[0]: r[1] for r in rows}
    return {status: found.get(status, 0) for status in ("pending", "sent", "skipped", "failed")}


async def reasons(conn: aiosqlite.Connection) -> dict[str, int]:
    rows = await conn.execute_fetchall(
        "SELECT status || ': ' || reason, COUNT(*) FROM outbox WHERE reason IS NOT NULL "
        "GROUP BY status, reason ORDER BY 1")
    return {r[0]: r[1] for r in rows}


async def flow_of(conn: aiosqlite.Connection, item_id: int) -> str:
    row = await fetch_one(conn, "SELECT dialog_id FROM outbox WHERE id = ?", (item_id,))
    assert row is not None
    return str(row[0])


async def missed_untold(conn: aiosqlite.Connection, person_ids: list[int]) -> set[int]:
    """People with a check-in skipped for downtime that they have not been told about."""
    if not person_ids:
        return set()
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT person_id FROM outbox WHERE status = 'skipped' AND reason = 'missed' "
        f"AND answered IS NULL AND person_id IN ({', '.join('?' * len(person_ids))})",
        person_ids)
    return {r[0] for r in rows}


async def mark_told(conn: aiosqlite.Connection, person_id: int) -> None:
    await conn.execute(
        "UPDATE outbox SET answered = 'told' WHERE person_id = ? AND status = 'skipped' "
        "AND reason = 'missed' AND answered IS NULL", (person_id,))
