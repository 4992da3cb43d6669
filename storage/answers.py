"""Answers a person chose to keep, and their latest answers for later flows to quote."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aiosqlite

from storage.crypto import cipher_of
from storage.models import AnswerValue


async def keep(conn: aiosqlite.Connection, person_id: int, session_id: int, dialog_id: str,
               kept: Mapping[str, AnswerValue], now: str) -> None:
    cipher = cipher_of(conn)
    await conn.executemany(
        "INSERT INTO answers (person_id, session_id, dialog_id, name, value, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value, "
        "answered_at = excluded.answered_at",
        [(person_id, session_id, dialog_id, name, cipher.seal(json.dumps(value)), now)
         for name, value in kept.items()],
    )


async def forget(conn: aiosqlite.Connection, session_id: int, names: list[str]) -> None:
    """A question re-asked and then skipped: drop what this run had kept for it."""
    await conn.executemany("DELETE FROM answers WHERE session_id = ? AND name = ?",
                           [(session_id, name) for name in names])


async def latest(conn: aiosqlite.Connection, person_id: int,
                 excluding_session: int | None = None) -> dict[str, AnswerValue]:
    """The person's most recent answer under each name, from runs other than this one."""
    rows = await conn.execute_fetchall(
        "SELECT name, value FROM answers WHERE id IN ("
        "  SELECT MAX(id) FROM answers WHERE person_id = ? AND session_id IS NOT ?"
        "  GROUP BY name)",
        (person_id, excluding_session),
    )
    cipher = cipher_of(conn)
    return {row["name"]: json.loads(cipher.open(row["value"]) or "null") for row in rows}


async def for_session(conn: aiosqlite.Connection, session_id: int) -> dict[str, AnswerValue]:
    rows = await conn.execute_fetchall("SELECT name, value FROM answers WHERE session_id = ?",
                            (session_id,))
    cipher = cipher_of(conn)
    return {row["name"]: json.loads(cipher.open(row["value"]) or "null") for row in rows}


async def between(conn: aiosqlite.Connection, person_id: int, start: str,
                  end: str) -> list[tuple[int | None, str, str, AnswerValue, str]]:
    """(session, flow, name, value, answered_at) of answers kept in (start, end], in order."""
    rows = await conn.execute_fetchall(
        "SELECT session_id, dialog_id, name, value, answered_at FROM answers "
        "WHERE person_id = ? AND answered_at > ? AND answered_at <= ? ORDER BY answered_at, id",
        (person_id, start, end))
    cipher = cipher_of(conn)
    return [(r[0], r[1], r[2], json.loads(cipher.open(r[3]) or "null"), r[4]) for r in rows]
