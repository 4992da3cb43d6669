"""A person on Telegram, acting through the Bot API test server."""

from __future__ import annotations

from collections.abc import Awaitable

from tests.fakes.bot_api import BotApiServer, Sent


class Phone:
    def __init__(self, server: BotApiServer, chat_id: int, language: str = "en",
                 name: str | None = None) -> None:
        self.server = server
        self.chat_id = chat_id
        self.language = language
        if name is not None:
            server.names[chat_id] = name

    async def send(self, text: str) -> list[Sent]:
        """Type a message (or a /command) and wait for the bot's answer to it."""
        return await self.server.reply_to(self.server.text(self.chat_id, text, self.language),
                                          self.chat_id)

    async def tap(self, label: str, on: Sent | None = None) -> list[Sent]:
        """Tap a button by its label, on the newest message that shows it."""
        return await self.server.reply_to(
            self._press(label, on), self.chat_id)

    async def tap_data(self, data: str, on: Sent) -> list[Sent]:
        """Send a press with callback data of our own making (stale or forged)."""
        return await self.server.reply_to(self._press("", on, data), self.chat_id)

    def _press(self, label: str, on: Sent | None, data: str | None = None) -> Awaitable[int]:
        return self.server.press(self.chat_id, label, on, data, self.language)

    async def sticker(self) -> list[Sent]:
        return await self.server.reply_to(self.server.sticker(self.chat_id, self.language),
                                          self.chat_id)

    async def photo(self) -> list[Sent]:
        return await self.server.reply_to(self.server.photo(self.chat_id, self.language),
                                          self.chat_id)

    async def voice(self) -> list[Sent]:
        return await self.server.reply_to(self.server.voice(self.chat_id, self.language),
                                          self.chat_id)

    async def location(self, latitude: float, longitude: float) -> list[Sent]:
        return await self.server.reply_to(
            self.server.location(self.chat_id, latitude, longitude, self.language), self.chat_id)

    @property
    def messages(self) -> list[Sent]:
        return self.server.said(self.chat_id)

    @property
    def last(self) -> Sent:
        return self.messages[-1]

    def text(self, replies: list[Sent]) -> str:
        return "\n".join(m.text for m in replies)
