"""Key rotation: every sealed value re-encrypted under a new key, old keys retired."""

from __future__ import annotations

from pathlib import Path

from storage.crypto import SEALED_COLUMNS, Cipher, attach, only_primary, with_new_primary
from storage.database import Database


async def rotate(db: Database, key_file: Path) -> int:
    """Returns how many values were re-encrypted. Crash-safe: the key file holds old and
    new keys until every value is sealed with the new one."""
    ring = with_new_primary(db.cipher)
    ring.save(key_file)
    db.cipher = ring
    changed = 0
    async with db.transaction() as conn:
        attach(conn, ring)
        for table, key, column in SEALED_COLUMNS:
            rows = await conn.execute_fetchall(
                f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL")
            resealed = [(ring.seal(ring.open(value)), row_id) for row_id, value in rows]
            await conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", resealed)
            changed += len(resealed)
    final = only_primary(ring)
    final.save(key_file)
    db.cipher = final
    async with db.transaction() as conn:
        attach(conn, final)
    return changed


def resolve(setting: str | None, key_file: Path) -> Cipher:
    """ALONGSIDE_KEY if set, else the key file (created on first run)."""
    return Cipher.from_setting(setting) if setting else Cipher.load_or_create(key_file)
