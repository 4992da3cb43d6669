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
_LINK = ("status", "scopes", "auto_send", "created_at", "confirmed_at", "revoked_at")
_SUMMARY = ("period_start", "period_end", "text", "status", "created_at", "sent_at")


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
            "schedules": slots, "checkins": checkins,
            "sharing": await _collect_sharing(conn, person_id),
            "receiving": await _collect_receiving(conn, person_id)}


async def _collect_sharing(conn: aiosqlite.Connection, person_id: int) -> list[dict[str, Any]]:
    """Who this person shares with, what, and every summary made for them."""
    opened = cipher_of(conn).open
    rows = await conn.execute_fetchall(
        f"SELECT l.id, t.channel, t.external_id, l.therapist_label, l.person_label, "
        f"{', '.join('l.' + c for c in _LINK)} FROM links l "
        "JOIN people t ON t.id = l.therapist_id WHERE l.person_id = ? ORDER BY l.id", (person_id,))
    out = []
    for r in rows:
        summary_rows = await conn.execute_fetchall(
            f"SELECT {', '.join(_SUMMARY)} FROM summaries WHERE link_id = ? ORDER BY id", (r[0],))
        summaries = [dict(zip(_SUMMARY, row, strict=True)) for row in summary_rows]
        for summary in summaries:
            summary["text"] = opened(summary["text"])
        out.append({"therapist": {"channel": r[1], "external_id": r[2], "name": opened(r[3])},
                    "shown_to_them_as": opened(r[4]),
                    **dict(zip(_LINK, r[5:], strict=True)), "summaries": summaries})
    return out


async def _collect_receiving(conn: aiosqlite.Connection, person_id: int) -> list[dict[str, Any]]:
    """For a therapist: the name they are shown under and when links began; the summaries
    themselves belong to the people who sent them."""
    rows = await conn.execute_fetchall(
        "SELECT therapist_label, status, created_at, revoked_at FROM links WHERE therapist_id = ? "
        "ORDER BY id", (person_id,))
    opened = cipher_of(conn).open
    return [{"shown_as": opened(r[0]), "status": r[1], "created_at": r[2], "revoked_at": r[3]}
            for r in rows]


async def erase(conn: aiosqlite.Connection, person_id: int) -> dict[str, int]:
    """Delete every row of this person; return how many of each kind went."""
    counts: dict[str, int] = {}
    cursor = await conn.execute(
        "DELETE FROM summaries WHERE person_id = ? OR link_id IN "
        "(SELECT id FROM links WHERE therapist_id = ?)", (person_id, person_id))
    counts["summaries"] = cursor.rowcount
    cursor = await conn.execute("DELETE FROM links WHERE person_id = ? OR therapist_id = ?",
                                (person_id, person_id))
    counts["links"] = cursor.rowcount
    for table, key in (("answers", "answers"), ("outbox", "checkins"),
                       ("schedules", "schedules"), ("sessions", "sessions"),
                       ("processed_updates", "messages"), ("share_codes", "codes"),
                       ("code_attempts", "code_attempts")):
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
    await _restore_sharing(conn, person_id, data.get("sharing", []))
    return person_id


async def _restore_sharing(conn: aiosqlite.Connection, person_id: int,
                           links: list[dict[str, Any]]) -> None:
    """Links to therapists who have an account here; the others need a new /share (a
    link is consent given to one account on one installation)."""
    sealed = cipher_of(conn).seal
    for link in links:
        therapist = link["therapist"]
        found = await fetch_one(conn, "SELECT id FROM people WHERE channel = ? AND external_id = ?",
                                (therapist["channel"], therapist["external_id"]))
        if found is None:
            continue
        cursor = await conn.execute(
            f"INSERT INTO links (person_id, therapist_id, therapist_label, person_label, "
            f"{', '.join(_LINK)}) VALUES (?, ?, ?, ?, {', '.join('?' * len(_LINK))})",
            (person_id, found[0], sealed(therapist["name"]), sealed(link["shown_to_them_as"]),
             *(link[k] for k in _LINK)))
        await conn.executemany(
            f"INSERT INTO summaries (link_id, person_id, {', '.join(_SUMMARY)}) VALUES (?, ?, "
            f"{', '.join('?' * len(_SUMMARY))})",
            [(cursor.lastrowid, person_id, *(sealed(s[k]) if k == "text" else s[k]
                                              for k in _SUMMARY))
             for s in link["summaries"]])
