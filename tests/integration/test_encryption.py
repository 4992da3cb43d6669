"""No personal words sit readable on disk; the key can be rotated."""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import replace

from storage import Database
from storage.crypto import SEALED_COLUMNS, Cipher
from tests.conftest import ALONGSIDE
from tests.fakes.people import Mailroom, Person, lived_a_week, share_with, summaries_due

WORDS = ["Zebediah", "time with my daughter", "a walk on Saturday", "my knee felt better",
         "rain on Sunday", "Dr Lee", "Sam Smith"]


async def lived_and_shared(companion, clock) -> None:
    """A week of answers, shared with a therapist, and the week's summary made."""
    sam = await lived_a_week(companion)
    sam.who = replace(sam.who, name="Sam Smith")
    await share_with(sam, Person(companion, "900", channel="telegram", name="Dr Lee"),
                     "What matters and chosen steps")
    await summaries_due(companion, clock, Mailroom())




def raw_bytes(db: Database) -> bytes:
    """The database file and its write-ahead log, byte for byte."""
    out = b""
    for path in (db.path, db.path.with_name(db.path.name + "-wal")):
        if path.exists():
            out += path.read_bytes()
    return out


async def test_the_raw_database_file_holds_none_of_the_persons_words(companion, db, clock):
    await lived_and_shared(companion, clock)
    raw = raw_bytes(db)
    assert b"enc1:" in raw
    for words in WORDS:
        assert words.encode() not in raw, words


async def test_the_key_file_is_created_once_and_readable_by_its_owner_only(db):
    key_file = db.path.with_name(db.path.name + ".key")
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Cipher.load_or_create(key_file).keys == db.cipher.keys


async def test_rotation_re_encrypts_everything_and_retires_the_old_key(companion, db, clock):
    await lived_and_shared(companion, clock)
    old = db.cipher
    await db.close()
    env = {**os.environ, "ALONGSIDE_DB": str(db.path)}
    result = subprocess.run([ALONGSIDE, "keys", "rotate"], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    key_file = db.path.with_name(db.path.name + ".key")
    new = Cipher.load_or_create(key_file)
    assert set(new.keys).isdisjoint(old.keys)  # the old key is gone from the file
    reopened = await Database.open(db.path)
    try:
        async with reopened.transaction() as conn:
            rows = await conn.execute_fetchall("SELECT value FROM answers")
            sealed = {(table, column): [r[0] for r in await conn.execute_fetchall(
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
                for table, _key, column in SEALED_COLUMNS}
        values = [reopened.cipher.open(r[0]) for r in rows]
        assert '"a walk on Saturday"' in values
        assert all(sealed[("summaries", "text")]) and all(sealed[("links", "therapist_label")])
        for column, found in sealed.items():
            assert all(v.startswith(f"enc1:{new.primary}:") for v in found), column
    finally:
        await reopened.close()
