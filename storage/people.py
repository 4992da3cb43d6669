"""People: who someone is on a channel, their language, timezone and consent."""

from __future__ import annotations

import aiosqlite

from storage.models import Person

_COLUMNS = ("id, channel, external_id, locale, name, timezone, consent, onboarded, active, "
            "last_seen_at")


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"], channel=row["channel"], external_id=row["external_id"],
        locale=row["locale"], name=row["name"], timezone=row["timezone"],
        consent=bool(row["consent"]), onboarded=bool(row["onboarded"]),
        active=bool(row["active"]), last_seen_at=row["last_seen_at"],
    )


async def find(conn: aiosqlite.Connection, channel: str, external_id: str) -> Person | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM people WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    ) as cursor:
        row = await cursor.fetchone()
    return _person(row) if row else None


async def get(conn: aiosqlite.Connection, person_id: int) -> Person:
    async with conn.execute(f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"no person {person_id}")
    return _person(row)


async def get_or_create(conn: aiosqlite.Connection, channel: str, external_id: str,
                        locale: str, now: str) -> tuple[Person, bool]:
    """The person, and whether they were new."""
    person = await find(conn, channel, external_id)
    if person is not None:
        return person, False
    await conn.execute(
        "INSERT INTO people (channel, external_id, locale, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?)", (channel, external_id, locale, now, now),
    )
    created = await find(conn, channel, external_id)
    assert created is not None
    return created, True


_UPDATABLE = {"locale", "name", "timezone", "consent", "onboarded", "active", "last_seen_at"}


async def update(conn: aiosqlite.Connection, person_id: int, **fields: object) -> None:
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    if not fields:
        return
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await conn.execute(f"UPDATE people SET {assignments} WHERE id = ?", (*fields.values(), person_id))
