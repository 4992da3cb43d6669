"""The data layer: one SQLite database through aiosqlite, numbered migrations, repositories.

Repositories take an open connection and return plain domain objects; nothing from
Telegram crosses into this package.
"""

from storage.database import Database

__all__ = ["Database"]
