"""One-time link codes: hard to guess, short enough for a t.me deep link, kept hashed."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

CODE_LIFETIME = timedelta(hours=24)
# Wrong codes an account may try within the window before it has to wait.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
# What a code looks like (Telegram deep-link payloads allow A-Z a-z 0-9 _ -, up to 64).
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_code() -> str:
    """128 random bits, URL-safe: guessing one is out of reach even without the rate limit."""
    return secrets.token_urlsafe(16)


def code_hash(code: str) -> str:
    # A plain hash suffices: the code is random and long, so there is nothing to brute-force.
    return hashlib.sha256(code.encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    return bool(_SHAPE.match(text))


def deep_link(bot_username: str | None, code: str) -> str | None:
    return f"https://t.me/{bot_username}?start={code}" if bot_username else None
