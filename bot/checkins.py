"""The service layer: one entry point, `Companion.handle(inbound) -> Reply`.

Each inbound event is handled in one storage transaction: drop a redelivered update,
load the person and their conversation, step the engine, keep what the person agreed
to keep, commit — and only then return what to send. Channels translate; the rules
about people, consent and conversations live here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite
from pydantic import TypeAdapter

from bot import safety
from bot.conversation.care import Care
from bot.conversation.scheduling import PAUSED_UNTIL_RESUMED, PAUSES, Scheduling
from bot.conversation.sharing import SUMMARY, Sharing
from bot.events import (
    Action,
    Command,
    Inbound,
    Letter,
    OutButton,
    Outgoing,
    Pressed,
    Reply,
    Said,
    Sent,
    Shared,
    Who,
)
from bot.export_format import to_markdown
from bot.flows.buttons import (
    SKIP_KEY,
    DeleteChoice,
    LinkAction,
    Offer,
    SafetyChoice,
    SlotAction,
    SummaryChoice,
    callback_data,
    delete_data,
    parse_callback,
    parse_other,
)
from bot.flows.engine import (
    Begin,
    Event,
    Located,
    Pick,
    Prompt,
    Repeat,
    SessionState,
    Skip,
    TextIn,
    Turn,
    Unreadable,
    new_state,
    step,
)
from bot.flows.loader import Library
from bot.flows.schema import ChoiceNode, Dialog
from bot.scheduling.wallclock import stamp
from bot.sharing.codes import looks_like_code
from storage import answers, outbox, people, personal_data, sessions, sharing, updates
from storage.database import Database
from storage.models import Person, Session
from storage.outbox import Item

ONBOARDING = "onboarding"
# Commands that start (or resume) a flow, and the flow they start.
FLOW_COMMANDS = {"checkin": "weekly", "review": "review", "note": "note", "language": "language",
                 "pause": "pause", "timezone": "timezone"}
# Flows a person may use before onboarding is done.
OPEN_FLOWS = ("language", "timezone")
# Answer names the onboarding and language flows share with the code (see dialogs/GUIDE.md).
SCHEDULE_ANSWERS = {"weekly": ("checkin_day", "checkin_time"),
                    "review": ("review_day", "review_time")}


# A flow answered within this long counts as a conversation in progress: a check-in due
# then waits for it to end. One left longer than this is not in the way.
IN_CONVERSATION = timedelta(hours=1)
INVITATION_SLICE = 200  # due items prepared per transaction


def utc_now() -> datetime:
    return datetime.now(UTC)


_REPLY = TypeAdapter(Reply)


class Companion:
    def __init__(self, db: Database, library: Library,
                 clock: Callable[[], datetime] = utc_now,
                 therapists: frozenset[str] | None = None) -> None:
        self.db = db
        self.library = library
        self.clock = clock
        # The operator's allowlist of accounts that may be linked as a therapist (None: any).
        self.therapists = therapists
        self.bot_username: str | None = None  # the channel says, for t.me deep links

    @property
    def locales(self) -> list[str]:
        return self.library.dialogs[ONBOARDING].locales

    async def handle(self, inbound: Inbound) -> Reply:
        moment = self.clock()
        now = moment.isoformat()
        channel = inbound.who.channel
        async with self.db.transaction() as conn:
            if inbound.update_id is not None:
                handled = await updates.find(conn, channel, inbound.update_id)
                if handled is not None:
                    # Handled before: change nothing, but a reply that never went out
                    # (a crash between commit and send) goes out now.
                    if handled.delivered or handled.reply is None:
                        return Reply(duplicate=True)
                    return _REPLY.validate_json(handled.reply)
            hint = inbound.who.locale or ""
            locale = hint if hint in self.locales else self.locales[0]
            person = await people.get_or_create(conn, channel, inbound.who.external_id, locale,
                                                now)
            talk = _Conversation(self, conn, person, moment, inbound.who.name)
            reply = await talk.dispatch(inbound.action)
            if inbound.update_id is not None:
                kept_person = None if reply.erased else person.id
                await updates.record(conn, channel, inbound.update_id, now,
                                     _REPLY.dump_json(reply).decode(), kept_person)
        return reply

    async def export(self, who: Who) -> dict[str, Any] | None:
        """Everything held about this person, as a document without database ids."""
        async with self.db.transaction() as conn:
            person = await people.find(conn, who.channel, who.external_id)
            return None if person is None else await personal_data.collect(conn, person.id)

    async def erase(self, who: Who) -> dict[str, int] | None:
        """For operators: everything of this person, gone."""
        async with self.db.transaction() as conn:
            person = await people.find(conn, who.channel, who.external_id)
            return None if person is None else await personal_data.erase(conn, person.id)

    async def restore(self, data: dict[str, Any]) -> int:
        """For operators: a person's export, on this installation."""
        async with self.db.transaction() as conn:
            person_id = await personal_data.restore(conn, data)
            person = await people.get(conn, person_id)
            await _Conversation(self, conn, person, self.clock()).reschedule()
            return person_id

    async def export_files(self, who: Who) -> list[tuple[str, bytes]]:
        data = await self.export(who)
        if data is None:
            return []
        locale = data["person"]["locale"]
        return [("alongside-export.json", json.dumps(data, ensure_ascii=False, indent=2).encode()),
                ("alongside-export.md",
                 to_markdown(data, self.library.lexicon, locale).encode())]

    async def delivered(self, channel: str, update_ids: list[int]) -> None:
        """The channel sent the replies to these updates."""
        if update_ids:
            async with self.db.transaction() as conn:
                await updates.mark_delivered(conn, channel, update_ids)

    async def unreachable(self, who: Who) -> None:
        """The person blocked the bot: stop writing to them until they write again."""
        async with self.db.transaction() as conn:
            person = await people.find(conn, who.channel, who.external_id)
            if person is not None:
                await people.update(conn, person.id, active=False)
                await outbox.drop_pending(conn, person.id, "blocked")

    async def invitations(self, items: list[Item]) -> dict[int, list[Letter] | None]:
        """The messages for each due item — a check-in, or the week's summaries; None for
        someone in the middle of a flow (it waits: it never interrupts). A check-in left
        out during downtime is mentioned once, with the next one."""
        now = self.clock()
        out: dict[int, list[Letter] | None] = {}
        # In slices, each its own transaction: a summary takes about a millisecond to
        # build, and people writing in meanwhile wait for the database only that long.
        for start in range(0, len(items), INVITATION_SLICE):
            async with self.db.transaction() as conn:
                await self._invitations(conn, items[start:start + INVITATION_SLICE], now, out)
        return out

    async def _invitations(self, conn: aiosqlite.Connection, items: list[Item], now: datetime,
                           out: dict[int, list[Letter] | None]) -> None:
        ids = sorted({item.person_id for item in items})
        found = await people.with_busy(conn, ids, (now - IN_CONVERSATION).isoformat())
        untold = await outbox.missed_untold(conn, ids)
        for item in items:
            person, busy = found[item.person_id]
            if busy:
                out[item.id] = None
                continue
            talk = _Conversation(self, conn, person, now)
            if item.dialog_id == SUMMARY:
                out[item.id] = await talk.summary_letters(item)
                continue
            message = talk.invitation(item.id, item.dialog_id)
            if person.id in untold:
                untold.discard(person.id)
                await outbox.mark_told(conn, person.id)
                message = replace(message, text=f"{talk.line('missed_while_offline')}\n\n"
                                                f"{message.text}")
            out[item.id] = [Letter(item.external_id, message)]

    async def summaries_sent(self, summary_ids: list[int],
                             undelivered: Sequence[int] = ()) -> None:
        """The channel delivered these summaries to their therapists (and could not
        deliver those: the therapist blocked the bot)."""
        if summary_ids or undelivered:
            async with self.db.transaction() as conn:
                await sharing.mark_sent(conn, summary_ids, stamp(self.clock()))
                for summary_id in undelivered:
                    await sharing.set_summary_status(conn, summary_id, "undelivered")

    async def forget_old_updates(self, older_than: timedelta = timedelta(days=2)) -> int:
        async with self.db.transaction() as conn:
            return await updates.prune(conn, (self.clock() - older_than).isoformat())


    async def set_locale(self, who: Who, locale: str) -> None:
        """The person asked for a language outside a flow (e.g. `alongside chat --locale de`)."""
        if locale not in self.locales:
            raise ValueError(f"unknown locale {locale!r}; known: {', '.join(self.locales)}")
        now = self.clock().isoformat()
        async with self.db.transaction() as conn:
            person = await people.get_or_create(conn, who.channel, who.external_id, locale, now)
            await people.update(conn, person.id, locale=locale)


class _Conversation(Scheduling, Care, Sharing):
    """One inbound event for one person, inside one transaction."""

    def __init__(self, companion: Companion, conn: aiosqlite.Connection, person: Person,
                 moment: datetime, account_name: str | None = None) -> None:
        self.account_name = account_name
        self.companion = companion
        self.library = companion.library
        self.conn = conn
        self.person = person
        self.moment = moment
        self.now = moment.isoformat()
        self.reply = Reply(locale=person.locale)

    async def dispatch(self, action: Action) -> Reply:
        active = await sessions.active(self.conn, self.person.id)
        if self.back_after_a_while():
            self.say("disclosure")
        if isinstance(action, Said):
            finding = safety.check(action.text, self.library.lexicon)
            if finding == "crisis":
                return await self.safety_reply(active)
            if finding == "human":
                self.say("disclosure")
                return await self.advance(active, Repeat()) if active else self.reply
        if isinstance(action, Command):
            return await self.command(action, active)
        if isinstance(action, Pressed):
            return await self.press(action.data, active)
        if active is not None:
            event: Event
            if isinstance(action, Said):
                event = TextIn(action.text)
            elif isinstance(action, Shared):
                event = Located(action.latitude, action.longitude)
            else:
                event = Unreadable(action.what)
            return await self.advance(active, event)
        if not self.person.onboarded:
            if await self.shares_with_me():  # a therapist, not here for check-ins
                return self.say("therapist_help")
            return await self.begin(ONBOARDING, None)
        if isinstance(action, Shared):
            action = Sent("location")
        if isinstance(action, Sent):
            unreadable = f"unreadable_{action.what}"
            self.say(unreadable if unreadable in self.library.lexicon.lines else "unreadable")
        return self.say("nothing_running")

    async def command(self, command: Command, active: Session | None) -> Reply:
        name = command.name
        if name == "start" and looks_like_code(command.args):
            return await self.open_code(command.args)
        if name == "start":
            if not self.person.onboarded and await self.shares_with_me():
                return self.say("therapist_help")
            if not self.person.onboarded:
                return await self.begin(ONBOARDING, active)
            self.say("welcome_back", name=self.person.name or "")
            return self.reply
        if name == "help":
            self.say("help")
            return self.say("therapist_help") if await self.shares_with_me() else self.reply
        if name == "share":
            return await self.make_share_code()
        if name == "sharing":
            return await self.show_sharing()
        if name == "patients":
            return await self.show_patients()
        if name == "summary":
            return await self.show_summaries(command.args)
        if name == "sos":
            return self.sos("sos_intro")
        if name == "export":
            self.say("export_ready")
            self.reply.export = True
            return self.reply
        if name == "delete":
            buttons = (OutButton(self.line("delete_yes"), delete_data("yes")),
                       OutButton(self.line("delete_no"), delete_data("no")))
            self.reply.messages.append(Outgoing(self.line("delete_confirm"), buttons, "choice"))
            return self.reply
        if name == "skip":
            return await self.advance(active, Skip()) if active else self.say("nothing_to_skip")
        if name == "cancel":
            if active is None:
                return self.say("nothing_running")
            if active.dialog_id == ONBOARDING and not self.person.consent:
                await sessions.delete(self.conn, active.id)  # nothing of theirs is kept
            else:
                await sessions.set_status(self.conn, active.id, "cancelled", self.now)
            return self.say("cancelled")
        if name == "schedule":
            return await self.show_schedule() if self.person.onboarded else self.say("not_onboarded")
        if name == "resume":
            return await self.resume()
        if name in FLOW_COMMANDS:
            dialog_id = FLOW_COMMANDS[name]
            if not self.person.onboarded and dialog_id not in OPEN_FLOWS:
                return await self.begin(ONBOARDING, active) if active is None \
                    else self.say("not_onboarded")
            return await self.begin(dialog_id, active)
        return self.say("unknown_command")

    async def begin(self, dialog_id: str, active: Session | None) -> Reply:
        """Start a flow, or resume it where the person left it."""
        if active is not None and active.dialog_id == dialog_id:
            return await self.advance(active, Repeat())
        if active is not None:
            await sessions.set_status(self.conn, active.id, "paused", self.now)
            self.say("paused_flow")
        paused = await sessions.latest_paused(self.conn, self.person.id, dialog_id)
        if paused is not None:
            await sessions.set_status(self.conn, paused.id, "active", self.now)
            return await self.advance(paused, Repeat())
        dialog = self.library.dialogs[dialog_id]
        runs = await sessions.finished_runs(self.conn, self.person.id, dialog_id)
        state = new_state(dialog, self.person.locale, runs)
        session_id = await sessions.create(self.conn, self.person.id, dialog_id, dialog.version,
                                           state.model_dump_json(), self.now)
        history = await answers.latest(self.conn, self.person.id, excluding_session=session_id)
        turn = step(dialog, state, Begin(), lexicon=self.library.lexicon, history=history)
        return await self.apply(session_id, dialog, turn)

    async def advance(self, session: Session, event: Event) -> Reply:
        dialog = self.library.dialogs.get(session.dialog_id)
        if dialog is None:  # the flow was removed from the folder
            await sessions.set_status(self.conn, session.id, "cancelled", self.now)
            return self.say("flow_changed")
        state = SessionState.model_validate_json(session.state)
        history = await answers.latest(self.conn, self.person.id, excluding_session=session.id)
        turn = step(dialog, state, event, lexicon=self.library.lexicon, history=history)
        return await self.apply(session.id, dialog, turn)

    async def press(self, data: str | None, active: Session | None) -> Reply:
        other = parse_other(data)
        if isinstance(other, Offer):
            return await self.answer_offer(other, active)
        if isinstance(other, SlotAction):
            return await self.change_schedule(other, active)
        if isinstance(other, SafetyChoice):
            return await self.after_safety(other, active)
        if isinstance(other, DeleteChoice):
            return await self.delete_everything(other)
        if isinstance(other, LinkAction):
            return await self.press_link(other)
        if isinstance(other, SummaryChoice):
            return await self.press_summary(other)
        press = parse_callback(data)
        if press is None or active is None or press.session_id != active.id:
            self.reply.notice = self.line("stale_notice")
            return self.reply
        state = SessionState.model_validate_json(active.state)
        if press.node_id != state.node_id or state.finished:
            self.reply.notice = self.line("stale_notice")
            return self.reply
        dialog = self.library.dialogs.get(active.dialog_id)
        node = dialog.nodes.get(press.node_id) if dialog else None
        if press.key == SKIP_KEY:
            self.reply.chosen = self.line("skip_button")
            return await self.advance(active, Skip())
        if isinstance(node, ChoiceNode):
            label = next((o.label.get(state.locale) for o in node.options if o.key == press.key),
                         None)
            if label is None:  # a forged key: nothing changes
                self.reply.notice = self.line("stale_notice")
                return self.reply
            self.reply.chosen = label
        else:
            self.reply.chosen = press.key
        return await self.advance(active, Pick(press.node_id, press.key))

    async def apply(self, session_id: int, dialog: Dialog, turn: Turn) -> Reply:
        """Keep what the turn says to keep (with consent), save the state, build the reply."""
        answers_now = turn.state.answers
        await self.profile_effects(turn)
        if self.person.consent:
            kept = answers_now if "consent" in turn.kept else turn.kept
            if kept:
                await answers.keep(self.conn, self.person.id, session_id, dialog.id, kept, self.now)
            if turn.skipped:
                await answers.forget(self.conn, session_id, turn.skipped)
        status = "finished" if turn.status == "ended" else "active"
        if dialog.id == "summary_time" and turn.status == "ended":
            await self.set_summary_time(answers_now.get("summary_day"),
                                        answers_now.get("summary_time"))
        if dialog.id == "schedule" and turn.status == "ended":
            await self.add_slot(answers_now.get("slot_flow"), answers_now.get("slot_day"),
                                answers_now.get("slot_time"))
        if dialog.id == ONBOARDING and turn.status == "ended":
            if self.person.consent:
                for flow_id, (day, at) in SCHEDULE_ANSWERS.items():
                    await self.add_slot(flow_id, answers_now.get(day), answers_now.get(at))
                await self.update_person(onboarded=True)
            else:
                # No consent: nothing of this conversation stays behind.
                await sessions.delete(self.conn, session_id)
                session_id = 0
        if session_id:
            await sessions.save(self.conn, session_id, state=turn.state.model_dump_json(),
                                version=dialog.version, status=status, now=self.now)
        self.reply.locale = self.person.locale
        self.reply.messages += [self.outgoing(session_id, m) for m in turn.messages]
        if turn.status == "ended" and self.person.onboarded:
            await self.offer_waiting()
        return self.reply

    def outgoing(self, session_id: int, prompt: Prompt) -> Outgoing:
        if prompt.node_id is None:
            return Outgoing(prompt.text)
        buttons = [OutButton(b.label, callback_data(session_id, prompt.node_id, b.key))
                   for b in prompt.buttons]
        if prompt.skippable:
            buttons.append(OutButton(self.line("skip_button"),
                                     callback_data(session_id, prompt.node_id, SKIP_KEY), skip=True))
        hint = self.line("skip_hint") if prompt.skippable else None
        return Outgoing(prompt.text, tuple(buttons), prompt.input, hint)

    async def profile_effects(self, turn: Turn) -> None:
        kept = turn.kept
        changes: dict[str, Any] = {}
        if "consent" in kept:
            changes["consent"] = kept["consent"] == "yes"
        if "language" in kept and kept["language"] in self.companion.locales:
            changes["locale"] = kept["language"]
        if "name" in kept:
            changes["name"] = kept["name"]
        if "timezone" in kept:
            changes["timezone"] = kept["timezone"]
        if "pause" in kept:
            length = PAUSES.get(str(kept["pause"]))
            changes["paused_until"] = stamp(self.moment + length) if length else PAUSED_UNTIL_RESUMED
            await outbox.drop_pending(self.conn, self.person.id, "paused")
        if changes:
            await self.update_person(**changes)
        if "timezone" in kept:
            await self.reschedule()  # the same local times, in the new zone

