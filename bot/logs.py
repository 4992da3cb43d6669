"""Logging without personal text, at any level.

Libraries below us log what passes through them at DEBUG (aiosqlite: SQL with its
parameters; python-telegram-bot: whole updates; httpx: URLs that carry the bot token).
They are held at WARNING whatever level the operator picks; our own log lines name
types, ids and counts, never what a person wrote.
"""

from __future__ import annotations

import logging
import sys

QUIET = ("aiosqlite", "httpx", "httpcore", "telegram", "apscheduler", "asyncio")


def configure(level: str) -> None:
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
