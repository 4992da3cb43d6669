"""Due check-ins go into the outbox in one transaction; a sender drains it.

`tick` moves every due slot into the outbox (unique per slot and due time, so a
tick that runs twice, or after a restart, enqueues nothing twice) and computes each
slot's next due time. `drain` sends what is ready through a channel, under its rate
limiter, and records the outcome of every row: sent, postponed, skipped or failed —
never silently dropped. A crash between a send and its mark re-sends that one
check-in after the restart (at least once; documented, and the only duplicate).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.checkins import Companion
from bot.events import Letter, Outgoing
from bot.scheduling.wallclock import from_stamp, next_occurrence, parse_hhmm, stamp
from storage import Database, outbox, schedules, sharing
from storage.outbox import Item

log = logging.getLogger(__name__)


class Outcome(Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    FAILED = "failed"  # a transient error that outlasted the channel's own retries


class Sender(Protocol):
    async def send(self, to: str, message: Outgoing) -> Outcome: ...


@dataclass(frozen=True)
class Rules:
    grace: timedelta = timedelta(hours=2)  # a check-in missed by less is still sent
    max_attempts: int = 5
    retry_after: timedelta = timedelta(minutes=2)  # doubles with each failed attempt
    busy_recheck: timedelta = timedelta(minutes=1)  # someone mid-flow: look again then
    batch: int = 2000
    in_flight: int = 8  # sends under way at once (more only adds httpx pool overhead)
    catch_up: int = 8  # at most this many missed occurrences recorded per slot


@dataclass
class Drained:
    sent: int = 0
    deferred: int = 0
    retried: int = 0
    skipped: int = 0
    failed: int = 0
    seen: list[int] = field(default_factory=list)


class Scheduler:
    def __init__(self, db: Database, companion: Companion, clock: Callable[[], datetime],
                 rules: Rules | None = None) -> None:
        self.db = db
        self.companion = companion
        self.clock = clock
        self.rules = rules or Rules()

    async def tick(self) -> int:
        """Move every due slot into the outbox; return how many rows were added."""
        now = self.clock()
        added = 0
        async with self.db.transaction() as conn:
            unplanned = await schedules.unplanned(conn, self.rules.batch)
            await schedules.set_next(conn, [
                (stamp(next_occurrence(e.slot.weekday, parse_hhmm(e.slot.local_time),
                                       ZoneInfo(e.timezone or "UTC"), now)), e.slot.id)
                for e in unplanned])
            while True:
                due = await schedules.due(conn, stamp(now), self.rules.batch)
                if not due:
                    break
                rows: list[tuple[int, int, str, str, str, str, str | None]] = []
                nexts: list[tuple[str | None, int]] = []
                for entry in due:
                    slot = entry.slot
                    if entry.timezone is None or slot.next_due_at is None:
                        nexts.append((None, slot.id))  # no zone, no time: never guess one
                        continue
                    zone, at = ZoneInfo(entry.timezone), parse_hhmm(slot.local_time)
                    due_at = from_stamp(slot.next_due_at)
                    for _ in range(self.rules.catch_up):
                        if due_at > now:
                            break
                        status, reason = self._fate(due_at, now, entry.active, entry.paused_until)
                        rows.append((slot.id, slot.person_id, slot.dialog_id, stamp(due_at),
                                     stamp(due_at), status, reason))
                        due_at = next_occurrence(slot.weekday, at, zone, due_at)
                    if due_at <= now:
                        due_at = next_occurrence(slot.weekday, at, zone, now)
                    nexts.append((stamp(due_at), slot.id))
                await outbox.enqueue(conn, rows)
                await schedules.set_next(conn, nexts)
                added += len(rows)
        if added:
            log.info("tick: %d check-ins entered the outbox", added)
        return added

    def _fate(self, due_at: datetime, now: datetime, active: bool,
              paused_until: str | None) -> tuple[str, str | None]:
        if not active:
            return "skipped", "blocked"
        if paused_until is not None and stamp(due_at) < paused_until:
            return "skipped", "paused"
        if now - due_at > self.rules.grace:
            return "skipped", "missed"  # late by a restart beyond the grace window
        return "pending", None

    async def drain(self, sender: Sender, limit: int | None = None) -> Drained:
        """Send what is ready; every row ends sent, postponed, skipped or failed."""
        now = self.clock()
        result = Drained()
        async with self.db.transaction() as conn:
            items = await outbox.ready(conn, stamp(now), limit or self.rules.batch)
        if not items:
            return result
        invitations = await self.companion.invitations(items)
        gate = asyncio.Semaphore(self.rules.in_flight)
        summaries_out: list[int] = []  # summaries that reached their therapist
        summaries_lost: list[int] = []  # … whose therapist blocked the bot

        async def send(item: Item, letters: list[Letter]) -> tuple[Item, Outcome]:
            async with gate:
                for letter in letters:  # in order: a long summary's parts, then its buttons
                    outcome = await sender.send(letter.to, letter.message)
                    if outcome is Outcome.SENT:
                        if letter.summary_id is not None:
                            summaries_out.append(letter.summary_id)
                    elif outcome is Outcome.BLOCKED and letter.to != item.external_id:
                        if letter.summary_id is not None:
                            summaries_lost.append(letter.summary_id)
                    else:
                        return item, outcome
                return item, Outcome.SENT

        busy = [item for item in items if invitations.get(item.id) is None]
        empty = [item for item in items if invitations.get(item.id) == []]
        outcomes = await asyncio.gather(*(send(item, letters) for item in items
                                          if (letters := invitations.get(item.id))))
        later = self.clock()
        async with self.db.transaction() as conn:
            for item in busy:  # in the middle of a flow: never interrupt
                await outbox.postpone(conn, item.id, stamp(later + self.rules.busy_recheck), False)
                result.deferred += 1
            for item in empty:  # a week with nothing under what the person shares
                await outbox.finish(conn, item.id, "skipped", "nothing_to_share")
                result.skipped += 1
            await sharing.mark_sent(conn, summaries_out, stamp(later))
            for summary_id in summaries_lost:
                await sharing.set_summary_status(conn, summary_id, "undelivered")
            sent = [item.id for item, outcome in outcomes if outcome is Outcome.SENT]
            await outbox.mark_sent(conn, sent, stamp(later))
            result.sent = len(sent)
            for item, outcome in outcomes:
                if outcome is Outcome.BLOCKED:
                    await outbox.finish(conn, item.id, "failed", "blocked")
                    result.failed += 1
                elif outcome is Outcome.FAILED:
                    if item.attempts + 1 >= self.rules.max_attempts:
                        await outbox.finish(conn, item.id, "failed", "gave_up")
                        result.failed += 1
                    else:
                        wait = self.rules.retry_after * 2 ** item.attempts
                        await outbox.postpone(conn, item.id, stamp(later + wait), True)
                        result.retried += 1
        result.seen = [item.id for item in items]
        return result

    async def status(self) -> dict[str, object]:
        async with self.db.transaction() as conn:
            return {"counts": await outbox.counts(conn), "reasons": await outbox.reasons(conn),
                    "next": await schedules.next_due(conn, 10)}
