"""The check-in slots people pick: which flow, which weekday, what local time."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class Slot:
    id: int
    person_id: int
    dialog_id: str
    weekday: int  # Monday = 0
    local_time: str  # 'HH:MM' in the person's timezone
    next_due_at: str | None  # UTC instant


@dataclass(frozen=True)
class DueSlot:
    slot: Slot
    timezone: str | None
    paused_until: str | None
    active: bool


_COLUMNS = "s.id, s.person_id, s.dialog_id, s.weekday, s.local_time, s.next_due_at"


def _slot(row: aiosqlite.Row) -> Slot:
    return Slot(row[0], row[1], row[2], row[3], row[4], row[5])


async def add(conn: aiosqlite.Connection, person_id: int, dialog_id: str, weekday: int,
              local_time: str, next_due_at: str | None, now: str) -> None:
    await conn.execute(
        "INSERT INTO schedules (person_id, dialog_id, weekday, local_time, next_due_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, dialog_id, weekday, "
        "local_time) DO UPDATE SET next_due_at = excluded.next_due_at",
        (person_id, dialog_id, weekday, local_time, next_due_at, now),
    )


async def remove(conn: aiosqlite.Connection, person_id: int, slot_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM schedules WHERE id = ? AND person_id = ?",
                                (slot_id, person_id))
    return cursor.rowcount == 1


async def remove_flow(conn: aiosqlite.Connection, person_id: int, dialog_id: str) -> None:
    """Every slot of one kind, e.g. the weekly summary when the last sharing ends."""
    await conn.execute("DELETE FROM schedules WHERE person_id = ? AND dialog_id = ?",
                       (person_id, dialog_id))


async def for_person(conn: aiosqlite.Connection, person_id: int) -> list[Slot]:
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS} FROM schedules s WHERE s.person_id = ? "
        "ORDER BY s.weekday, s.local_time, s.dialog_id", (person_id,))
    return [_slot(r) for r in rows]


async def set_next(conn: aiosqlite.Connection, updates: list[tuple[str | None, int]]) -> None:
    """[(next_due_at, slot id)]"""
    await conn.executemany("UPDATE schedules SET next_due_at = ? WHERE id = ?", updates)


async def due(conn: aiosqlite.Connection, now: str, limit: int) -> list[DueSlot]:
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS}, p.timezone, p.paused_until, p.active FROM schedules s "
        "JOIN people p ON p.id = s.person_id "
        "WHERE s.next_due_at IS NOT NULL AND s.next_due_at <= ? ORDER BY s.next_due_at LIMIT ?",
        (now, limit))
    return [DueSlot(_slot(r), r[6], r[7], bool(r[8])) for r in rows]


async def next_due(conn: aiosqlite.Connection, limit: int) -> list[tuple[str, str, int]]:
    """(next due instant, flow, slot id) of the soonest slots."""
    rows = await conn.execute_fetchall(
        "SELECT next_due_at, dialog_id, id FROM schedules WHERE next_due_at IS NOT NULL "
        "ORDER BY next_due_at LIMIT ?", (limit,))
    return [(r[0], r[1], r[2]) for r in rows]


async def unplanned(conn: aiosqlite.Connection, limit: int) -> list[DueSlot]:
    """Slots with no next time whose person now has a timezone (e.g. set after the slot)."""
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS}, p.timezone, p.paused_until, p.active FROM schedules s "
        "JOIN people p ON p.id = s.person_id "
        "WHERE s.next_due_at IS NULL AND p.timezone IS NOT NULL LIMIT ?", (limit,))
    return [DueSlot(_slot(r), r[6], r[7], bool(r[8])) for r in rows]
