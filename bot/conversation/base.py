"""What every part of a conversation shares: the person, the open transaction, the reply.

The use cases of one inbound event are split by concern (`care`, `scheduling`); the
core — dispatching, flows, consent — is `bot.checkins._Conversation`, which combines
them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.events import Outgoing, Reply
from bot.flows.loader import Library
from storage import people
from storage.models import Person, Session

if TYPE_CHECKING:
    from bot.checkins import Companion


class ConversationBase:
    companion: Companion
    library: Library
    conn: aiosqlite.Connection
    person: Person
    moment: datetime
    now: str
    reply: Reply
    account_name: str | None  # how the channel shows the one acting (for sharing only)

    def line(self, line_id: str, **values: object) -> str:
        return self.library.lexicon.line(line_id, self.person.locale, **values)

    def say(self, line_id: str, **values: object) -> Reply:
        self.reply.messages.append(Outgoing(self.line(line_id, **values)))
        return self.reply

    async def update_person(self, **changes: Any) -> None:
        await people.update(self.conn, self.person.id, **changes)
        self.person = replace(self.person, **changes)

    async def begin(self, dialog_id: str, active: Session | None) -> Reply:
        """Start a flow or resume it (the core conversation provides this)."""
        raise NotImplementedError

    async def advance(self, session: Session, event: Any) -> Reply:
        """Step the engine on a session (the core conversation provides this)."""
        raise NotImplementedError

    def next_due(self, weekday: int, local_time: str) -> str | None:
        """A slot's next time, in UTC (scheduling provides this)."""
        raise NotImplementedError
