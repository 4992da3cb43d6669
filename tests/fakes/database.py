"""Reading the database file as it is on disk, the way an auditor would."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def query(path: Path, sql: str, *params: object) -> list[tuple]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute(sql, params).fetchall()
    finally:
        raw.close()


def everything(path: Path, cipher: object | None = None) -> str:
    """Every row of every table as text; with a cipher, sealed values are opened first
    (so a test can look for a person's words whether or not they are encrypted)."""
    tables = [r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = []
    for table in tables:
        for row in query(path, f"SELECT * FROM {table}"):
            values = [cipher.open(v) if cipher and isinstance(v, str) else v  # type: ignore[attr-defined]
                      for v in row]
            out.append(f"{table}: {values}")
    return "\n".join(out)
