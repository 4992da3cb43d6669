"""The real Application against the Bot API test server, on a real database file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App, build, telegram_channel
from bot.channels.telegram_channel import Delivery, TelegramChannel
from bot.config import Settings
from tests.fakes.bot_api import BotApiServer
from tests.fakes.phone import Phone

FAST = Delivery(first_backoff=0.01, max_backoff=0.05, poll_timeout=1, tick_seconds=None)


@dataclass
class Telegram:
    server: BotApiServer
    app: App
    channel: TelegramChannel

    def phone(self, chat_id: int = 1001, language: str = "en", name: str | None = None) -> Phone:
        return Phone(self.server, chat_id, language, name)


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    api = await BotApiServer().start()
    try:
        yield api
    finally:
        await api.stop()


def settings_for(server: BotApiServer, tmp_path: Path) -> Settings:
    return Settings(telegram_bot_token=server.token, telegram_api_url=server.base_url,
                    database=tmp_path / "alongside.db")


@pytest.fixture
async def telegram(server, tmp_path, clock) -> AsyncIterator[Telegram]:
    async with build(settings_for(server, tmp_path), clock) as app:
        channel = telegram_channel(app, FAST)
        await channel.start()
        stop = asyncio.Event()
        polling = asyncio.create_task(channel.poll(stop))
        try:
            yield Telegram(server, app, channel)
        finally:
            stop.set()
            await polling
            await channel.stop()
