"""Sharing with a therapist: one-time codes, links with their scopes, weekly summaries.

Names shown across a link and the summaries' text are sealed like every answer; a code
is kept only as its hash.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.crypto import cipher_of
from storage.database import fetch_one


# --- codes ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Code:
    id: int
    person_id: int
    expires_at: str
    used_at: str | None


async def add_code(conn: aiosqlite.Connection, person_id: int, code_hash: str, now: str,
                   expires_at: str) -> None:
    await conn.execute(
        "INSERT INTO share_codes (person_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (person_id, code_hash, now, expires_at))


async def find_code(conn: aiosqlite.Connection, code_hash: str) -> Code | None:
    row = await fetch_one(conn, "SELECT id, person_id, expires_at, used_at FROM share_codes "
                                "WHERE code_hash = ?", (code_hash,))
    return Code(*row) if row else None


async def use_code(conn: aiosqlite.Connection, code_id: int, now: str) -> None:
    await conn.execute("UPDATE share_codes SET used_at = ? WHERE id = ?", (now, code_id))


async def failures(conn: aiosqlite.Connection, person_id: int, since: str) -> int:
    """Wrong codes this account tried since then."""
    row = await fetch_one(conn, "SELECT failures FROM code_attempts WHERE person_id = ? "
                                "AND window_start >= ?", (person_id, since))
    return int(row[0]) if row else 0


async def record_failure(conn: aiosqlite.Connection, person_id: int, now: str, since: str) -> None:
    """One more wrong code; a window older than `since` starts again from one."""
    await conn.execute(
        "INSERT INTO code_attempts (person_id, failures, window_start) VALUES (?, 1, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET "
        "failures = CASE WHEN window_start >= ? THEN failures + 1 ELSE 1 END, "
        "window_start = CASE WHEN window_start >= ? THEN window_start ELSE excluded.window_start END",
        (person_id, now, since, since))


# --- links ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    id: int
    person_id: int
    therapist_id: int
    status: str  # pending, active, revoked
    scopes: tuple[str, ...]
    auto_send: bool
    therapist_label: str
    person_label: str
    created_at: str
    confirmed_at: str | None
    revoked_at: str | None
    person_external_id: str
    person_locale: str
    therapist_external_id: str
    therapist_locale: str


_LINK = ("SELECT l.id, l.person_id, l.therapist_id, l.status, l.scopes, l.auto_send, "
         "l.therapist_label, l.person_label, l.created_at, l.confirmed_at, l.revoked_at, "
         "p.external_id, p.locale, t.external_id, t.locale FROM links l "
         "JOIN people p ON p.id = l.person_id JOIN people t ON t.id = l.therapist_id ")


def _link(conn: aiosqlite.Connection, row: aiosqlite.Row) -> Link:
    opened = cipher_of(conn).open
    return Link(row[0], row[1], row[2], row[3], tuple(s for s in row[4].split(",") if s),
                bool(row[5]), opened(row[6]) or "", opened(row[7]) or "", row[8], row[9],
                row[10], row[11], row[12], row[13], row[14])


async def open_link(conn: aiosqlite.Connection, person_id: int, therapist_id: int,
                    therapist_label: str, now: str) -> Link:
    """A link waiting for the person's choice of scopes; an active one stays as it is."""
    sealed = cipher_of(conn).seal(therapist_label)
    await conn.execute(
        "INSERT INTO links (person_id, therapist_id, status, therapist_label, created_at) "
        "VALUES (?, ?, 'pending', ?, ?) ON CONFLICT (person_id, therapist_id) DO UPDATE SET "
        "therapist_label = excluded.therapist_label, "
        "status = CASE WHEN status = 'active' THEN 'active' ELSE 'pending' END, "
        "scopes = CASE WHEN status = 'active' THEN scopes ELSE '' END, "
        "auto_send = CASE WHEN status = 'active' THEN auto_send ELSE 0 END, "
        "created_at = CASE WHEN status = 'active' THEN created_at ELSE excluded.created_at END, "
        "revoked_at = NULL",
        (person_id, therapist_id, sealed, now))
    row = await fetch_one(conn, _LINK + "WHERE l.person_id = ? AND l.therapist_id = ?",
                          (person_id, therapist_id))
    assert row is not None
    return _link(conn, row)


async def get_link(conn: aiosqlite.Connection, link_id: int) -> Link | None:
    row = await fetch_one(conn, _LINK + "WHERE l.id = ?", (link_id,))
    return _link(conn, row) if row else None


async def links_of_person(conn: aiosqlite.Connection, person_id: int,
                          statuses: tuple[str, ...] = ("active",)) -> list[Link]:
    rows = await conn.execute_fetchall(
        _LINK + f"WHERE l.person_id = ? AND l.status IN ({', '.join('?' * len(statuses))}) "
        "ORDER BY l.id", (person_id, *statuses))
    return [_link(conn, r) for r in rows]


async def links_of_therapist(conn: aiosqlite.Connection, therapist_id: int) -> list[Link]:
    """Only the people sharing with this therapist right now."""
    rows = await conn.execute_fetchall(
        _LINK + "WHERE l.therapist_id = ? AND l.status = 'active' ORDER BY l.confirmed_at, l.id",
        (therapist_id,))
    return [_link(conn, r) for r in rows]


async def confirm(conn: aiosqlite.Connection, link_id: int, scopes: tuple[str, ...],
                  person_label: str, now: str) -> None:
    await conn.execute(
        "UPDATE links SET status = 'active', scopes = ?, person_label = ?, "
        "confirmed_at = COALESCE(confirmed_at, ?) WHERE id = ?",
        (",".join(scopes), cipher_of(conn).seal(person_label), now, link_id))


async def set_auto_send(conn: aiosqlite.Connection, link_id: int, auto_send: bool) -> None:
    await conn.execute("UPDATE links SET auto_send = ? WHERE id = ?", (int(auto_send), link_id))


async def end(conn: aiosqlite.Connection, link_id: int, now: str) -> None:
    """Revoked (or declined before it began): nothing more goes out over this link."""
    await conn.execute("UPDATE links SET status = 'revoked', revoked_at = ?, confirmed_at = NULL "
                       "WHERE id = ?", (now, link_id))
    await conn.execute("UPDATE summaries SET status = 'dropped' WHERE link_id = ? "
                       "AND status IN ('preview', 'approved')", (link_id,))


# --- summaries ------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    id: int
    link_id: int
    person_id: int
    period_start: str
    period_end: str
    text: str
    status: str
    created_at: str
    sent_at: str | None


_SUMMARY = ("SELECT id, link_id, person_id, period_start, period_end, text, status, created_at, "
            "sent_at FROM summaries ")


def _summary(conn: aiosqlite.Connection, row: aiosqlite.Row) -> Summary:
    return Summary(row[0], row[1], row[2], row[3], row[4], cipher_of(conn).open(row[5]) or "",
                   row[6], row[7], row[8])


async def add_summary(conn: aiosqlite.Connection, link_id: int, person_id: int, start: str,
                      end_: str, text: str, status: str, now: str) -> Summary:
    """The week's summary for a link; one per link and week, however often this runs."""
    await conn.execute(
        "INSERT INTO summaries (link_id, person_id, period_start, period_end, text, status, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (link_id, period_end) DO NOTHING",
        (link_id, person_id, start, end_, cipher_of(conn).seal(text), status, now))
    row = await fetch_one(conn, _SUMMARY + "WHERE link_id = ? AND period_end = ?",
                          (link_id, end_))
    assert row is not None
    return _summary(conn, row)


async def get_summary(conn: aiosqlite.Connection, summary_id: int) -> Summary | None:
    row = await fetch_one(conn, _SUMMARY + "WHERE id = ?", (summary_id,))
    return _summary(conn, row) if row else None


async def set_summary_status(conn: aiosqlite.Connection, summary_id: int, status: str) -> None:
    await conn.execute("UPDATE summaries SET status = ? WHERE id = ?", (status, summary_id))


async def mark_sent(conn: aiosqlite.Connection, summary_ids: list[int], now: str) -> None:
    await conn.executemany(
        "UPDATE summaries SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'approved'",
        [(now, i) for i in summary_ids])


async def sent_since(conn: aiosqlite.Connection, link_id: int, since: str) -> list[Summary]:
    """What the therapist received over this link, oldest first."""
    rows = await conn.execute_fetchall(
        _SUMMARY + "WHERE link_id = ? AND status = 'sent' AND period_end > ? ORDER BY period_end",
        (link_id, since))
    return [_summary(conn, r) for r in rows]


async def last_sent(conn: aiosqlite.Connection, link_id: int) -> str | None:
    row = await fetch_one(conn, "SELECT MAX(sent_at) FROM summaries WHERE link_id = ? "
                                "AND status = 'sent'", (link_id,))
    return row[0] if row else None
