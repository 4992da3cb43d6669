"""People: who someone is on a channel, their language, timezone and consent."""

from __future__ import annotations

import aiosqlite

from storage.crypto import cipher_of
from storage.database import fetch_one
from storage.models import Person

_COLUMNS = ("id, channel, external_id, locale, name, timezone, consent, onboarded, active, "
            "last_seen_at, paused_until, safety_replies, previous_seen_at")


def _person(conn: aiosqlite.Connection, row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"], channel=row["channel"], external_id=row["external_id"],
        locale=row["locale"], name=cipher_of(conn).open(row["name"]), timezone=row["timezone"],
        consent=bool(row["consent"]), onboarded=bool(row["onboarded"]),
        active=bool(row["active"]), last_seen_at=row["last_seen_at"],
        paused_until=row["paused_until"], safety_replies=row["safety_replies"],
        previous_seen_at=row["previous_seen_at"],
    )


async def find(conn: aiosqlite.Connection, channel: str, external_id: str) -> Person | None:
    row = await fetch_one(
        conn, f"SELECT {_COLUMNS} FROM people WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    )
    return _person(conn, row) if row else None


async def get(conn: aiosqlite.Connection, person_id: int) -> Person:
    row = await fetch_one(conn, f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,))
    if row is None:
        raise LookupError(f"no person {person_id}")
    return _person(conn, row)


async def get_or_create(conn: aiosqlite.Connection, channel: str, external_id: str,
                        locale: str, now: str) -> Person:
    """The person who just wrote (created at first contact), seen now and reachable again."""
    row = await fetch_one(
        conn,
        "INSERT INTO people (channel, external_id, locale, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, external_id) DO UPDATE SET "
        "previous_seen_at = people.last_seen_at, last_seen_at = excluded.last_seen_at, "
        f"active = 1 RETURNING {_COLUMNS}",
        (channel, external_id, locale, now, now),
    )
    assert row is not None
    return _person(conn, row)


_UPDATABLE = {"locale", "name", "timezone", "consent", "onboarded", "active", "last_seen_at",
              "paused_until", "safety_replies"}


async def update(conn: aiosqlite.Connection, person_id: int, **fields: object) -> None:
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    if not fields:
        return
    if "name" in fields:
        fields["name"] = cipher_of(conn).seal(fields["name"])  # type: ignore[arg-type]
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await conn.execute(f"UPDATE people SET {assignments} WHERE id = ?", (*fields.values(), person_id))


async def with_busy(conn: aiosqlite.Connection, person_ids: list[int],
                    active_since: str) -> dict[int, tuple[Person, bool]]:
    """People by id, each with whether they are in the middle of a conversation: a flow
    still open and answered in since `active_since` (one left half-way days ago is not
    a conversation to protect, and must not hold back every check-in after it)."""
    found: dict[int, tuple[Person, bool]] = {}
    for start in range(0, len(person_ids), 500):  # SQLite's limit on bound parameters
        chunk = person_ids[start:start + 500]
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS}, EXISTS (SELECT 1 FROM sessions s WHERE s.person_id = people.id "
            f"AND s.status = 'active' AND s.updated_at >= ?) AS busy FROM people WHERE id IN "
            f"({', '.join('?' * len(chunk))})", (active_since, *chunk))
        found.update({row["id"]: (_person(conn, row), bool(row["busy"])) for row in rows})
    return found
