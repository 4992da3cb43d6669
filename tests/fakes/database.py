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
