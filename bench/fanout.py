"""Fan-out of scheduled check-ins: many people due in the same minute.

    python bench/fanout.py [--people 10000] [--seconds 60] [--stored 100000]

The Bot API test server runs in its own process. Prints the time to enqueue N due
check-ins, the send rate with PTB's AIORateLimiter on (Telegram's 30 messages/s,
for --seconds, then stop), the send rate with it off (our own code's capacity,
all N), peak memory, and how many check-ins were lost or doubled (must be 0).
Then the start-up time and memory of the bot with --stored schedules in the
database (measured in a fresh process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build, telegram_channel  # noqa: E402
from bot.channels.telegram_channel import Delivery  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.scheduling.wallclock import stamp  # noqa: E402
from storage import Database  # noqa: E402

DUE = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
FIRST_CHAT = 100_000


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def seed(path: Path, people: int, due: datetime | None) -> None:
    """People with a Monday 09:00 Berlin check-in (bulk SQL: this is set-up, not measured)."""
    db = await Database.open(path)
    try:
        async with db.transaction() as conn:
            now = stamp(DUE - timedelta(days=1))
            await conn.executemany(
                "INSERT INTO people (id, channel, external_id, locale, timezone, consent, "
                "onboarded, created_at, last_seen_at) VALUES (?, 'telegram', ?, 'en', "
                "'Europe/Berlin', 1, 1, ?, ?)",
                [(n + 1, str(FIRST_CHAT + n), now, now) for n in range(people)])
            await conn.executemany(
                "INSERT INTO schedules (person_id, dialog_id, weekday, local_time, next_due_at, "
                "created_at) VALUES (?, 'weekly', 0, '09:00', ?, ?)",
                [(n + 1, stamp(due) if due else stamp(DUE + timedelta(days=7)), now)
                 for n in range(people)])
    finally:
        await db.close()


async def server() -> tuple[asyncio.subprocess.Process, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.bot_api", stdout=asyncio.subprocess.PIPE,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    port, token = (await process.stdout.readline()).decode().split()
    return process, f"http://127.0.0.1:{port}/bot", token


def received(api: str) -> dict[str, int]:
    with urllib.request.urlopen(api.removesuffix("/bot") + "/_stats", timeout=30) as answer:
        return json.loads(answer.read())


async def fan_out(people: int, rate_limit: bool, seconds: float | None) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="alongside-fanout-"))
    await seed(folder / "fanout.db", people, DUE)
    process, api, token = await server()
    clock = Clock(DUE + timedelta(seconds=30))
    settings = Settings(telegram_bot_token=token, telegram_api_url=api,
                        database=folder / "fanout.db", log_level="WARNING")
    try:
        async with build(settings, clock) as app:
            started = time.perf_counter()
            enqueued = await app.scheduler.tick()
            enqueue_s = time.perf_counter() - started
            channel = telegram_channel(app, Delivery(rate_limit=rate_limit, tick_seconds=None))
            await channel.start()
            started = time.perf_counter()
            sent = 0
            try:
                while seconds is None or time.perf_counter() - started < seconds:
                    drained = await app.scheduler.drain(channel, limit=500 if rate_limit else None)
                    if not drained.seen:
                        break
                    sent += drained.sent
            finally:
                elapsed = time.perf_counter() - started
                await channel.stop()
            status = await app.scheduler.status()
        counts = received(api)
    finally:
        process.terminate()
        await process.wait()
    chats = [counts.get(str(FIRST_CHAT + n), 0) for n in range(people)]
    outbox_counts = status["counts"]
    assert isinstance(outbox_counts, dict)
    return {
        "enqueued": enqueued, "enqueue_s": enqueue_s, "sent": sent, "seconds": elapsed,
        "rate": sent / elapsed,
        "doubled": sum(1 for c in chats if c > 1),
        # Lost: neither received nor still waiting in the outbox.
        "lost": people - sum(1 for c in chats if c >= 1) - outbox_counts["pending"],
        "pending": outbox_counts["pending"],
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def startup(path: Path) -> None:
    """In a fresh process: open, check the dialogs, migrate, first tick."""
    started = time.perf_counter()
    async with build(Settings(database=path, log_level="WARNING"), Clock(DUE)) as app:
        await app.scheduler.tick()
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


async def measure_startup(stored: int) -> dict[str, float]:
    path = Path(tempfile.mkdtemp(prefix="alongside-startup-")) / "stored.db"
    await seed(path, stored, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--startup-of", str(path), stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    out, _ = await process.communicate()
    return json.loads(out.decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long to run with the rate limiter on")
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--startup-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup_of:
        asyncio.run(startup(args.startup_of))
        return
    print(f"{args.people} people due in the same minute; {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    on = asyncio.run(fan_out(args.people, True, args.seconds))
    print(f"enqueue {on['enqueued']:.0f} due check-ins: {on['enqueue_s'] * 1000:.0f} ms")
    print(f"limiter on : {on['sent']:.0f} sent in {on['seconds']:.1f} s = {on['rate']:.1f}/s "
          f"({100 * on['rate'] / 30:.0f}% of 30/s); {on['pending']:.0f} still pending; "
          f"lost {on['lost']:.0f}, doubled {on['doubled']:.0f}")
    off = asyncio.run(fan_out(args.people, False, None))
    print(f"limiter off: {off['sent']:.0f} sent in {off['seconds']:.1f} s = {off['rate']:.0f}/s; "
          f"lost {off['lost']:.0f}, doubled {off['doubled']:.0f}")
    print(f"peak memory of the bot process (without the test server): {off['peak_mib']:.0f} MiB")
    boot = asyncio.run(measure_startup(args.stored))
    print(f"start-up with {args.stored} stored schedules: {boot['seconds']:.2f} s, "
          f"{boot['peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
