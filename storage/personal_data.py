"""Everything the bot holds about one person: gathered for export, erased on request,
restored from an export on another installation.

The export names no database ids (sessions and slots are referred to by position),
so export -> delete -> import -> export gives the same document.
"""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from storage.crypto import cipher_of
from storage.database import fetch_one

FORMAT = "alongside-export/1"
_PERSON = ("channel", "external_id", "locale", "name", "timezone", "consent", "onboarded",
           "active", "paused_until", "safety_replies", "created_at", "last_seen_at")
_SESSION = ("dialog_id", "dialog_version", "status", "state", "started_at", "updated_at")
_OUTBOX = ("dialog_id", "due_at", "send_after", "status", "reason", "attempts", "sent_at",
           "answered")


async def collect(conn: aiosqlite.Connection, person_id: int) -> dict[str, Any]:
    opened = cipher_of(conn).open
    row = await fetch_one(conn, f"SELECT {', '.join(_PERSON)} FROM people WHERE id = ?",
                          (person_id,))
    if row is None:
        raise LookupError(f"no person {person_id}")
    person = dict(zip(_PERSON, row, strict=True))
    person["name"] = opened(person["name"])
    session_rows = await conn.execute_fetchall(
        f"SELECT id, {', '.join(_SESSION)} FROM sessions WHERE person_id = ? ORDER BY id",
        (person_id,))
    position = {r[0]: n for n, r in enumerate(session_rows)}
    sessions = []
    for r in session_rows:
        entry = dict(zip(_SESSION, r[1:], strict=True))
        entry["state"] = json.loads(opened(entry["state"]) or "{}")
        sessions.append(entry)
    answer_rows = await conn.execute_fetchall(
        "SELECT session_id, dialog_id, name, value, answered_at FROM answers "
        "WHERE person_id = ? ORDER BY id", (person_id,))
    answers = [{"session": position.get(r[0]), "dialog_id": r[1], "name": r[2],
                "value": json.loads(opened(r[3]) or "null"), "answered_at": r[4]}
               for r in answer_rows]
    slot_rows = await conn.execute_fetchall(
        "SELECT id, dialog_id, weekday, local_time FROM schedules WHERE person_id = ? "
        "ORDER BY id", (person_id,))
    slot_position = {r[0]: n for n, r in enumerate(slot_rows)}
    slots = [{"dialog_id": r[1], "weekday": r[2], "local_time": r[3]} for r in slot_rows]
    outbox_rows = await conn.execute_fetchall(
        f"SELECT schedule_id, {', '.join(_OUTBOX)} FROM outbox WHERE person_id = ? ORDER BY id",
        (person_id,))
    checkins = [{"slot": slot_position.get(r[0]), **dict(zip(_OUTBOX, r[1:], strict=True))}
                for r in outbox_rows]
    return {"format": FORMAT, "person": person, "sessions": sessions, "answers": answers,
            "schedules": slots, "checkins": checkins}


async def erase(conn: aiosqlite.Connection, person_id: int) -> dict[str, int]:
    """Delete every row of this person; return how many of each kind went."""
    counts: dict[str, int] = {}
    for table, key in (("answers", "answers"), ("outbox", "checkins"),
                       ("schedules", "schedules"), ("sessions", "sessions"),
                       ("processed_updates", "messages")):
        cursor = await conn.execute(f"DELETE FROM {table} WHERE person_id = ?", (person_id,))
        counts[key] = cursor.rowcount
    await conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
    return counts


async def restore(conn: aiosqlite.Connection, data: dict[str, Any]) -> int:
    """Recreate a person from an export; refuses one who already exists here."""
    sealed = cipher_of(conn).seal
    if data.get("format") != FORMAT:
        raise ValueError(f"not an Alongside export (format {data.get('format')!r})")
    person = dict(data["person"])
    existing = await fetch_one(conn, "SELECT id FROM people WHERE channel = ? AND external_id = ?",
                               (person["channel"], person["external_id"]))
    if existing is not None:
        raise ValueError("this person already exists here; delete them first")
    person["name"] = sealed(person["name"]) if person["name"] is not None else None
    cursor = await conn.execute(
        f"INSERT INTO people ({', '.join(_PERSON)}) VALUES ({', '.join('?' * len(_PERSON))})",
        tuple(person[k] for k in _PERSON))
    person_id = cursor.lastrowid
    assert person_id is not None
    session_ids: list[int] = []
    for entry in data["sessions"]:
        values = {**entry, "state": sealed(json.dumps(entry["state"]))}
        cursor = await conn.execute(
            f"INSERT INTO sessions (person_id, {', '.join(_SESSION)}) VALUES (?, "
            f"{', '.join('?' * len(_SESSION))})", (person_id, *(values[k] for k in _SESSION)))
        assert cursor.lastrowid is not None
        session_ids.append(cursor.lastrowid)
    await conn.executemany(
        "INSERT INTO answers (person_id, session_id, dialog_id, name, value, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(person_id, session_ids[a["session"]] if a["session"] is not None else None,
          a["dialog_id"], a["name"], sealed(json.dumps(a["value"])), a["answered_at"])
         for a in data["answers"]])
    slot_ids: list[int] = []
    for slot in data["schedules"]:
        cursor = await conn.execute(
            "INSERT INTO schedules (person_id, dialog_id, weekday, local_time, created_at) "
            "VALUES (?, ?, ?, ?, ?)", (person_id, slot["dialog_id"], slot["weekday"],
                                       slot["local_time"], person["last_seen_at"]))
        assert cursor.lastrowid is not None
        slot_ids.append(cursor.lastrowid)
    await conn.executemany(
        f"INSERT INTO outbox (schedule_id, person_id, {', '.join(_OUTBOX)}) VALUES (?, ?, "
        f"{', '.join('?' * len(_OUTBOX))})",
        [(slot_ids[c["slot"]], person_id, *(c[k] for k in _OUTBOX))
         for c in data["checkins"] if c["slot"] is not None])
    return person_id
