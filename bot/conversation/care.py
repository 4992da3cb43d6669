"""Care for the person: the safety net, honesty about what the companion is, and their
right to their data (export is in the service; deletion here)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import safety
from bot.conversation.base import ConversationBase
from bot.events import OutButton, Outgoing, Reply
from bot.flows.buttons import DeleteChoice, SafetyChoice, safety_data
from bot.flows.engine import Repeat
from storage import personal_data, sessions
from storage.models import Session

AWAY = timedelta(days=7)  # back after this long: say again what the companion is


class Care(ConversationBase):
    async def delete_everything(self, choice: DeleteChoice) -> Reply:
        if choice.action == "no":
            self.reply.chosen = self.line("delete_no")
            return self.say("delete_kept")
        self.reply.chosen = self.line("delete_yes")
        counts = await personal_data.erase(self.conn, self.person.id)
        self.reply.erased = True
        return self.say("deleted", **counts)

    # --- the safety net and honesty -------------------------------------------------
    def back_after_a_while(self) -> bool:
        before = self.person.previous_seen_at
        return (self.person.onboarded and before is not None
                and self.moment - datetime.fromisoformat(before) >= AWAY)

    def sos(self, intro: str) -> Reply:
        text = f"{self.line(intro)}\n{safety.resources_text(self.library.lexicon, self.person.locale)}"
        self.reply.messages.append(Outgoing(text))
        return self.reply

    async def safety_reply(self, active: Session | None) -> Reply:
        """Crisis wording: a calm reply with resources, before anything else, every time.
        Only the count is kept; the words are not, unless the person writes them as a note."""
        await self.update_person(safety_replies=self.person.safety_replies + 1)
        self.sos("safety_reply")
        self.say("safety_after")
        if active is not None:
            buttons = (OutButton(self.line("safety_go_on"), safety_data("go")),
                       OutButton(self.line("safety_stop"), safety_data("stop")))
            self.reply.messages.append(Outgoing(self.line("safety_choose"), buttons, "choice"))
        return self.reply

    async def after_safety(self, choice: SafetyChoice, active: Session | None) -> Reply:
        if active is None:
            self.reply.notice = self.line("stale_notice")
            return self.reply
        if choice.action == "go":
            self.reply.chosen = self.line("safety_go_on")
            return await self.advance(active, Repeat())
        self.reply.chosen = self.line("safety_stop")
        await sessions.set_status(self.conn, active.id, "paused", self.now)
        return self.say("safety_stopped")
