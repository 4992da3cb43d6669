"""Helpers that act as a person towards the service layer."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime

from bot.checkins import Companion
from bot.events import Command, Inbound, Letter, Outgoing, Pressed, Reply, Said, Sent, Who
from bot.scheduling.outbox import Outcome, Scheduler


class Person:
    """Talks to the companion the way a channel would, and remembers the last buttons."""

    # Update ids are unique per bot, not per person, as on Telegram.
    _update_ids = itertools.count(1)

    def __init__(self, companion: Companion, external_id: str = "1", locale: str = "en",
                 channel: str = "test", name: str | None = None) -> None:
        self.companion = companion
        self.who = Who(channel, external_id, locale, name)
        self.last: Reply = Reply()
        self.buttons: list[tuple[str, str]] = []
        self.inbox: list[Outgoing] = []  # what reached them through someone else's action

    async def _send(self, action: Command | Said | Pressed | Sent,
                    update_id: int | None = None) -> Reply:
        if update_id is None:
            update_id = next(self._update_ids)
        self.last = await self.companion.handle(Inbound(self.who, action, update_id))
        shown = [*self.last.messages, *([self.last.replace] if self.last.replace else [])]
        if any(m.buttons for m in shown):  # every button this reply shows, as on a screen
            self.buttons = [(b.label, b.data) for m in shown for b in m.buttons]
        return self.last

    def receive(self, letters: list[Letter]) -> list[Outgoing]:
        """Messages someone else's action (or the scheduler) sent to this person."""
        mine = [letter.message for letter in letters if letter.to == self.who.external_id]
        self.inbox += mine
        if any(m.buttons for m in mine):
            self.buttons = [(b.label, b.data) for m in mine for b in m.buttons]
        return mine

    async def command(self, name: str, args: str = "") -> Reply:
        return await self._send(Command(name, args))

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


class Mailroom:
    """A channel's sending side for the scheduler: keeps every letter, delivers them all."""

    def __init__(self) -> None:
        self.letters: list[Letter] = []

    async def send(self, to: str, message: Outgoing) -> Outcome:
        self.letters.append(Letter(to, message))
        return Outcome.SENT

    def to(self, person: Person) -> list[Outgoing]:
        return [x.message for x in self.letters if x.to == person.who.external_id]


def share_code(reply: Reply) -> str:
    found = re.search(r"(?:start=|/start )([A-Za-z0-9_-]{16,64})", "\n".join(
        m.text for m in reply.messages))
    assert found, "no link code in the reply"
    return found.group(1)


async def share_with(person: Person, therapist: Person, *scopes: str) -> Reply:
    """/share, the therapist opens the code, the person ticks these scopes and confirms."""
    code = share_code(await person.command("share"))
    opened = await therapist.command("start", code)
    person.receive(opened.others)
    for scope in scopes:
        await person.press(f"☐ {scope}")
    confirmed = await person.press("Confirm")
    therapist.receive(confirmed.others)
    return confirmed


# Sunday 8 March 2026, 18:00 in Berlin: the first weekly summary after lived_a_week.
SUMMARY_DUE = datetime(2026, 3, 8, 17, 1, tzinfo=UTC)


async def summaries_due(companion: Companion, clock: Callable[[], datetime], mail: Mailroom,
                        when: datetime = SUMMARY_DUE) -> list[Letter]:
    """Move the clock to `when` and let the real scheduler prepare and send what is due."""
    clock.now = when  # type: ignore[attr-defined]
    scheduler = Scheduler(companion.db, companion, clock)
    await scheduler.tick()
    await scheduler.drain(mail)
    return mail.letters
