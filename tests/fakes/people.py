"""Helpers that act as a person towards the service layer."""

from __future__ import annotations

import itertools

from bot.checkins import Companion
from bot.events import Command, Inbound, Outgoing, Pressed, Reply, Said, Sent, Who


class Person:
    """Talks to the companion the way a channel would, and remembers the last buttons."""

    # Update ids are unique per bot, not per person, as on Telegram.
    _update_ids = itertools.count(1)

    def __init__(self, companion: Companion, external_id: str = "1", locale: str = "en",
                 channel: str = "test") -> None:
        self.companion = companion
        self.who = Who(channel, external_id, locale)
        self.last: Reply = Reply()
        self.buttons: list[tuple[str, str]] = []

    async def _send(self, action: Command | Said | Pressed | Sent,
                    update_id: int | None = None) -> Reply:
        if update_id is None:
            update_id = next(self._update_ids)
        self.last = await self.companion.handle(Inbound(self.who, action, update_id))
        for message in self.last.messages:
            if message.buttons:
                self.buttons = [(b.label, b.data) for b in message.buttons]
        return self.last

    async def command(self, name: str) -> Reply:
        return await self._send(Command(name))

    async def say(self, text: str, update_id: int | None = None) -> Reply:
        return await self._send(Said(text), update_id)

    async def sends(self, what: str) -> Reply:
        return await self._send(Sent(what))

    async def press(self, label: str) -> Reply:
        data = dict(self.buttons)[label]
        return await self._send(Pressed(data))

    async def press_data(self, data: str | None) -> Reply:
        return await self._send(Pressed(data))

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.last.messages)

    @property
    def question(self) -> Outgoing | None:
        asking = [m for m in self.last.messages if m.input != "none"]
        return asking[-1] if asking else None

    async def onboard(self, name: str = "Sam", language: str = "English") -> None:
        await self.command("start")
        await self.press("Yes, keep my answers")
        await self.say(name)
        await self.press(language)
        await self.say("Berlin")
        await self.say("1")
        await self.say("9")
        await self.say("4")
        await self.say("19:00")


async def lived_a_week(companion: Companion, external_id: str = "777") -> Person:
    """Onboarding as Zebediah, a weekly check-in, a note and a review: words to look for."""
    sam = Person(companion, external_id, channel="telegram")
    await sam.onboard(name="Zebediah")
    await sam.command("checkin")
    await sam.say("time with my daughter")
    await sam.say("a walk on Saturday")
    await sam.say("7")
    await sam.command("note")
    await sam.say("my knee felt better")
    await sam.command("review")
    await sam.say("2")
    await sam.say("rain on Sunday")
    return sam
