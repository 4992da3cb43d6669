"""The composition root: the one place that assembles storage, dialogs and the service.

The CLI, the tests and the benchmarks all wire the bot through `build`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.telegram_channel import Delivery, TelegramChannel
from bot.checkins import Companion, utc_now
from bot.config import Settings, key_file_for
from bot.dialog_files import load_checked
from bot.flows.loader import Library
from bot.scheduling.outbox import Rules, Scheduler
from storage import Database, keys

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: Database
    library: Library
    companion: Companion
    scheduler: Scheduler


def telegram_channel(app: App, delivery: Delivery | None = None) -> TelegramChannel:
    """The Telegram channel for an assembled app (needs TELEGRAM_BOT_TOKEN)."""
    token = app.settings.telegram_bot_token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return TelegramChannel(app.companion, app.library.lexicon, token.get_secret_value(),
                           app.settings.telegram_api_url, delivery, app.scheduler)


@asynccontextmanager
async def build(settings: Settings,
                clock: Callable[[], datetime] = utc_now) -> AsyncIterator[App]:
    """Check the dialogs (refusing to start on any problem), open the database, wire it up.

    The database is always closed on the way out (aiosqlite hangs at exit otherwise).
    """
    library = load_checked(settings.dialogs)
    key = settings.key.get_secret_value() if settings.key else None
    db = await Database.open(settings.database, keys.resolve(key, key_file_for(settings)))
    try:
        log.info("started with %d dialogs", len(library.dialogs))
        companion = Companion(db, library, clock, settings.therapist_allowlist())
        rules = Rules(grace=timedelta(minutes=settings.grace_minutes))
        yield App(settings, db, library, companion, Scheduler(db, companion, clock, rules))
    finally:
        await db.close()
