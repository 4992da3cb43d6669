"""No personal words sit readable on disk; the key can be rotated."""

from __future__ import annotations

import os
import stat
import subprocess

from storage import Database
from storage.crypto import Cipher
from tests.conftest import ALONGSIDE
from tests.fakes.people import lived_a_week

WORDS = ["Zebediah", "time with my daughter", "a walk on Saturday", "my knee felt better",
         "rain on Sunday"]




def raw_bytes(db: Database) -> bytes:
    """The database file and its write-ahead log, byte for byte."""
    out = b""
    for path in (db.path, db.path.with_name(db.path.name + "-wal")):
        if path.exists():
            out += path.read_bytes()
    return out


async def test_the_raw_database_file_holds_none_of_the_persons_words(companion, db):
    await lived_a_week(companion)
    raw = raw_bytes(db)
    assert b"enc1:" in raw
    for words in WORDS:
        assert words.encode() not in raw, words


async def test_the_key_file_is_created_once_and_readable_by_its_owner_only(db):
    key_file = db.path.with_name(db.path.name + ".key")
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Cipher.load_or_create(key_file).keys == db.cipher.keys


async def test_rotation_re_encrypts_everything_and_retires_the_old_key(companion, db, tmp_path):
    await lived_a_week(companion)
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
        values = [reopened.cipher.open(r[0]) for r in rows]
        assert '"a walk on Saturday"' in values
        assert all(r[0].startswith(f"enc1:{new.primary}:") for r in rows)
    finally:
        await reopened.close()
