"""Check-in times: slots, pause and resume, and the answers to a delivered check-in."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.base import ConversationBase
from bot.events import OutButton, Outgoing, Reply
from bot.flows.buttons import Offer, SlotAction, offer_data, slot_data
from bot.scheduling.wallclock import WEEKDAY_KEYS, next_occurrence, parse_hhmm, stamp
from storage import outbox, schedules, sessions
from storage.models import Session

SCHEDULED_FLOWS = ("weekly", "review")
PAUSES = {"week": timedelta(days=7), "two_weeks": timedelta(days=14)}
PAUSED_UNTIL_RESUMED = "9999-12-31T00:00:00+00:00"
EVENING = time(19, 0)


class Scheduling(ConversationBase):
    def next_due(self, weekday: int, local_time: str) -> str | None:
        if self.person.timezone is None:
            return None  # a time without a zone is never stored as if it had one
        zone = ZoneInfo(self.person.timezone)
        return stamp(next_occurrence(weekday, parse_hhmm(local_time), zone, self.moment))

    async def add_slot(self, flow_id: object, day: object, at: object) -> None:
        if flow_id in SCHEDULED_FLOWS and day in WEEKDAY_KEYS and isinstance(at, str):
            weekday = WEEKDAY_KEYS.index(str(day))
            await schedules.add(self.conn, self.person.id, str(flow_id), weekday, at,
                                self.next_due(weekday, at), self.now)

    async def reschedule(self) -> None:
        """Every slot's next time from now: after a new timezone, or a resume."""
        slots = await schedules.for_person(self.conn, self.person.id)
        await schedules.set_next(self.conn, [(self.next_due(s.weekday, s.local_time), s.id)
                                             for s in slots])

    async def show_schedule(self) -> Reply:
        if self.person.timezone is None:
            return self.say("needs_timezone")
        slots = await schedules.for_person(self.conn, self.person.id)
        lines = [self.line("schedule_summary", zone=self.person.timezone)] if slots else []
        lines += [self.describe(s.dialog_id, s.weekday, s.local_time) for s in slots]
        if not slots:
            lines.append(self.line("schedule_none"))
        paused = self.person.paused_until
        if paused == PAUSED_UNTIL_RESUMED:
            lines.append(self.line("schedule_paused_open"))
        elif paused is not None and paused > stamp(self.moment):
            until = datetime.fromisoformat(paused).astimezone(ZoneInfo(self.person.timezone))
            lines.append(self.line("schedule_paused", until=until.strftime("%Y-%m-%d %H:%M")))
        buttons = [OutButton(self.line("schedule_remove", day=self.line(f"day_{s.weekday}"),
                                       time=s.local_time), slot_data(s.id, "del")) for s in slots]
        buttons += [OutButton(self.line("schedule_add"), slot_data(0, "add")),
                    OutButton(self.line("schedule_timezone"), slot_data(0, "tz"))]
        self.reply.messages.append(Outgoing("\n".join(lines), tuple(buttons), "choice"))
        return self.reply

    def describe(self, flow_id: str, weekday: int, local_time: str) -> str:
        return self.line("slot_line", flow=self.line(f"flow_{flow_id}"),
                         day=self.line(f"day_{weekday}"), time=local_time)

    async def change_schedule(self, action: SlotAction, active: Session | None) -> Reply:
        if action.action == "add":
            self.reply.chosen = self.line("schedule_add")
            if self.person.timezone is None:
                return self.say("needs_timezone")
            return await self.begin("schedule", active)
        if action.action == "tz":
            self.reply.chosen = self.line("schedule_timezone")
            return await self.begin("timezone", active)
        if not await schedules.remove(self.conn, self.person.id, action.slot_id):
            self.reply.notice = self.line("stale_notice")
            return self.reply
        await outbox.drop_pending(self.conn, self.person.id, "removed")
        self.say("slot_removed")
        return await self.show_schedule()

    async def resume(self) -> Reply:
        if self.person.paused_until is None:
            return self.say("not_paused")
        await self.update_person(paused_until=None)
        await self.reschedule()
        self.say("resumed")
        return await self.show_schedule()

    # --- delivered check-ins ----------------------------------------------------------
    def invitation(self, item_id: int, flow_id: str) -> Outgoing:
        buttons = [OutButton(self.line("invite_start"), offer_data(item_id, "start")),
                   OutButton(self.line("invite_hour"), offer_data(item_id, "hour"))]
        if self.evening() is not None:
            buttons.append(OutButton(self.line("invite_evening"), offer_data(item_id, "evening")))
        buttons.append(OutButton(self.line("invite_skip"), offer_data(item_id, "skip")))
        runs = item_id % 2  # vary the wording from week to week without a query
        text = self.library.lexicon.line(f"invite_{flow_id}", self.person.locale, runs)
        return Outgoing(text, tuple(buttons), "choice")

    def evening(self) -> datetime | None:
        """This evening at 19:00 local, if that is still ahead by an hour or more."""
        if self.person.timezone is None:
            return None
        zone = ZoneInfo(self.person.timezone)
        local = self.moment.astimezone(zone)
        evening = datetime.combine(local.date(), EVENING, zone)
        return evening if evening - local >= timedelta(hours=1) else None

    async def answer_offer(self, offer: Offer, active: Session | None) -> Reply:
        found = await outbox.offered(self.conn, offer.item_id, self.person.id)
        if found is None or found[1] is not None:
            self.reply.notice = self.line("stale_notice")
            return self.reply
        flow_id, _, due_at = found
        if offer.action == "start":
            await outbox.answer(self.conn, offer.item_id, "start")
            self.reply.chosen = self.line("invite_start")
            # This occurrence starts afresh: one of the same kind left open since before it
            # came due stays as it was (its answers too), rather than resuming last week.
            if await sessions.leave_older(self.conn, self.person.id, flow_id, due_at, self.now):
                active = await sessions.active(self.conn, self.person.id)
            return await self.begin(flow_id, active)
        if offer.action == "skip":
            await outbox.answer(self.conn, offer.item_id, "skip")
            self.reply.chosen = self.line("invite_skip")
            return self.say("invite_skipped")
        when = self.evening() if offer.action == "evening" else self.moment + timedelta(hours=1)
        if when is None:
            self.reply.notice = self.line("stale_notice")
            return self.reply
        await outbox.answer(self.conn, offer.item_id, "later")
        await outbox.postpone(self.conn, offer.item_id, stamp(when), count_attempt=False)
        self.reply.chosen = self.line(f"invite_{offer.action}")
        local = when.astimezone(ZoneInfo(self.person.timezone or "UTC"))
        return self.say("invite_later_ok", time=local.strftime("%H:%M"))

    async def offer_waiting(self) -> None:
        """A check-in that came due during a flow is offered once the flow is done."""
        horizon = stamp(self.moment + timedelta(minutes=15))
        waiting = await outbox.waiting_for(self.conn, self.person.id, horizon)
        if not waiting:
            return
        first = waiting[0]
        item_flow = await outbox.flow_of(self.conn, first)
        await outbox.mark_sent(self.conn, [first], stamp(self.moment))
        self.reply.messages.append(self.invitation(first, item_flow))
