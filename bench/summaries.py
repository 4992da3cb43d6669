"""Weekly summaries for many people at once, against plain check-ins of as many people.

    python bench/summaries.py [--people 2000]

Seeds N people who each share with a therapist and kept a week of answers (eight,
sealed like real ones), all due in the same minute; then the same N people with a
plain check-in due instead. Both are drained in-process through a sender that only
collects the messages, so the figures are our own cost (reading and opening the
answers, building and sealing each summary, storing it), not the network's.
Prints both times and their ratio; these machines are noisy, the ratio is the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.events import Outgoing  # noqa: E402
from bot.scheduling.outbox import Outcome  # noqa: E402
from bot.scheduling.wallclock import stamp  # noqa: E402
from storage import Database  # noqa: E402

DUE = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)  # Sunday 18:00 in Berlin
FIRST_CHAT = 100_000
WEEK = [("weekly", "what_matters", "time with my daughter"), ("weekly", "step", "a short walk"),
        ("weekly", "confidence", 7), ("weekly", "move_up", "asking my sister to join"),
        ("review", "how_it_went", "partly"), ("review", "noticed", "rain on Sunday, but I went"),
        ("review", "direction", "closer"), ("note", "note", "my knee felt better today")]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Collector:
    def __init__(self) -> None:
        self.messages = 0

    async def send(self, to: str, message: Outgoing) -> Outcome:
        self.messages += 1
        return Outcome.SENT


async def seed(path: Path, people: int, kind: str) -> None:
    """Bulk SQL: set-up, not measured. A therapist account, and N people sharing with it."""
    db = await Database.open(path)
    seal = db.cipher.seal
    day = stamp(DUE - timedelta(days=3))
    try:
        async with db.transaction() as conn:
            rows = [(n + 1, str(FIRST_CHAT + n), seal(f"Person {n}"), day, day)
                    for n in range(people + 1)]
            await conn.executemany(
                "INSERT INTO people (id, channel, external_id, locale, name, timezone, consent, "
                "onboarded, created_at, last_seen_at) VALUES (?, 'telegram', ?, 'en', ?, "
                "'Europe/Berlin', 1, 1, ?, ?)", rows)
            therapist = people + 1
            await conn.executemany(
                "INSERT INTO schedules (person_id, dialog_id, weekday, local_time, next_due_at, "
                "created_at) VALUES (?, ?, 6, '18:00', ?, ?)",
                [(n + 1, kind, stamp(DUE), day) for n in range(people)])
            if kind != "summary":
                return
            await conn.executemany(
                "INSERT INTO links (person_id, therapist_id, status, scopes, auto_send, "
                "therapist_label, person_label, created_at, confirmed_at) VALUES "
                "(?, ?, 'active', 'steps,ratings,notes', ?, ?, ?, ?, ?)",
                [(n + 1, therapist, n % 2, seal("Dr Lee"), seal(f"Person {n}"), day, day)
                 for n in range(people)])
            await conn.executemany(
                "INSERT INTO answers (person_id, session_id, dialog_id, name, value, answered_at) "
                "VALUES (?, NULL, ?, ?, ?, ?)",
                [(n + 1, flow, name, seal(json.dumps(value)), day)
                 for n in range(people) for flow, name, value in WEEK])
    finally:
        await db.close()


async def drain_all(people: int, kind: str) -> tuple[float, int]:
    path = Path(tempfile.mkdtemp(prefix="alongside-summaries-")) / "bench.db"
    await seed(path, people, kind)
    clock = Clock(DUE + timedelta(seconds=30))
    sender = Collector()
    async with build(Settings(database=path, log_level="WARNING"), clock) as app:
        await app.scheduler.tick()
        started = time.perf_counter()
        while (await app.scheduler.drain(sender)).seen:
            pass
        return time.perf_counter() - started, sender.messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()
    print(f"{args.people} people due in the same minute; {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    summary_s, summary_messages = asyncio.run(drain_all(args.people, "summary"))
    checkin_s, checkin_messages = asyncio.run(drain_all(args.people, "weekly"))
    print(f"summaries: {summary_messages} messages (half previews, half sent automatically) "
          f"in {summary_s:.2f} s = {1000 * summary_s / args.people:.2f} ms per person")
    print(f"check-ins: {checkin_messages} invitations in {checkin_s:.2f} s = "
          f"{1000 * checkin_s / args.people:.2f} ms per person")
    print(f"a summary costs {summary_s / checkin_s:.1f}× a check-in invitation")


if __name__ == "__main__":
    main()
