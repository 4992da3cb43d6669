"""Storage on a real SQLite file: migrations, WAL, latest answers, closing cleanly."""

from __future__ import annotations

import sqlite3

from storage import Database, answers, people, sessions
from storage.database import migrations


async def test_migrations_run_once_and_set_the_user_version(tmp_path):
    path = tmp_path / "a.db"
    async with await Database.open(path):
        pass
    async with await Database.open(path):  # a second start applies nothing twice
        pass
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"people", "sessions", "answers", "schedules", "outbox",
                "processed_updates"} <= tables
    finally:
        raw.close()


async def test_the_database_folder_is_created(tmp_path):
    path = tmp_path / "deeper" / "still" / "alongside.db"
    async with await Database.open(path):
        pass
    assert path.exists()


async def test_latest_answers_come_from_earlier_runs_only(db):
    async with db.transaction() as conn:
        person = await people.get_or_create(conn, "test", "1", "en", "t0")
        first = await sessions.create(conn, person.id, "weekly", 1, "{}", "t1")
        await answers.keep(conn, person.id, first, "weekly", {"step": "walk"}, "t1")
        await sessions.set_status(conn, first, "finished", "t1")
        second = await sessions.create(conn, person.id, "weekly", 1, "{}", "t2")
        await answers.keep(conn, person.id, second, "weekly", {"step": "swim"}, "t2")
        assert await answers.latest(conn, person.id) == {"step": "swim"}
        assert await answers.latest(conn, person.id, excluding_session=second) == {"step": "walk"}


async def test_a_failed_transaction_keeps_nothing(db):
    try:
        async with db.transaction() as conn:
            await people.get_or_create(conn, "test", "1", "en", "t0")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with db.transaction() as conn:
        assert await people.find(conn, "test", "1") is None


async def test_one_active_conversation_per_person(db):
    async with db.transaction() as conn:
        person = await people.get_or_create(conn, "test", "1", "en", "t0")
        await sessions.create(conn, person.id, "weekly", 1, "{}", "t1")
    try:
        async with db.transaction() as conn:
            await sessions.create(conn, person.id, "note", 1, "{}", "t2")
        raised = False
    except sqlite3.IntegrityError:
        raised = True
    assert raised
