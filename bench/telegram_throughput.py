"""Throughput and latency of the bot on Telegram, against a plain PTB echo bot.

    python bench/telegram_throughput.py [--people 200] [--rate-limit]

N simulated people each go through onboarding and a full weekly check-in (15 updates a
person), all at once and as fast as they can, through the Bot API test server from
tests/fakes. The bot runs in its own process, so its CPU time and peak memory are its
own. Then the same number of updates goes through a plain python-telegram-bot echo bot
on the same harness. Prints updates handled per second, p50/p99 time from an update
to its (last) reply, CPU time per update, peak memory, and the ratios.

The rate limiter is off by default: it would cap both bots at Telegram's 30 messages/s,
and this measures our own code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.bot_api import BotApiServer  # noqa: E402

SCRIPT: list[tuple[str, str]] = [
    ("text", "/start"), ("tap", "Yes, keep my answers"), ("text", "Sam"), ("tap", "English"),
    ("text", "Berlin"), ("tap", "Monday"), ("tap", "09:00"), ("tap", "Thursday"),
    ("tap", "19:00"), ("text", "/checkin"), ("text", "time outside"), ("text", "a short walk"),
    ("tap", "6"), ("text", "it is close by"), ("text", "a friend along"),
]


# --- the bots, each in its own process ------------------------------------------------
async def serve_alongside(api: str, token: str, db: Path, rate_limit: bool) -> None:
    from bot.app import build, telegram_channel
    from bot.channels.telegram_channel import Delivery
    from bot.config import Settings

    settings = Settings(telegram_bot_token=token, telegram_api_url=api, database=db,
                        log_level="WARNING")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with build(settings) as app:
        channel = telegram_channel(app, Delivery(rate_limit=rate_limit, poll_timeout=5))
        await channel.start()
        ready()
        try:
            await channel.poll(stop)
        finally:
            await channel.stop()


async def serve_echo(api: str, token: str, rate_limit: bool) -> None:
    from telegram import Update
    from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    builder = Application.builder().token(token).base_url(api)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter())
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        ready()
        await stop.wait()
        await application.updater.stop()
        await application.stop()


_CPU_AT_READY = [0.0]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ready() -> None:
    """Start-up (imports, connecting) is not per-update work: count CPU from here."""
    _CPU_AT_READY[0] = cpu_seconds()
    print("ready", flush=True)


def report_usage() -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cpu": cpu_seconds() - _CPU_AT_READY[0], "peak_kib": peak}), flush=True)


# --- the harness: people acting through the test server ----------------------------------
async def person(server: BotApiServer, chat_id: int, variant: str, latencies: list[float],
                 pace: float, start: float) -> None:
    await asyncio.sleep(start)
    for step, (kind, value) in enumerate(SCRIPT):
        if step and pace:
            await asyncio.sleep(pace)  # a person reading and typing
        before = len(server.said(chat_id))
        started = time.perf_counter()
        if variant == "echo":
            await server.text(chat_id, value)  # the echo bot gets the same words as text
            await server.wait_for(chat_id, before + 1, timeout=120)
            latencies.append(server.said(chat_id)[-1].at - started)
            continue
        if kind == "text":
            update_id = await server.text(chat_id, value)
        else:
            update_id = await server.press(chat_id, value)
        await server.wait_until_confirmed(update_id, timeout=120)
        replies = server.said(chat_id)[before:]
        assert replies, f"no reply to {value!r}"
        latencies.append(max(m.at for m in replies) - started)


async def run_variant(variant: str, people: int, rate_limit: bool,
                      pace: float) -> dict[str, float]:
    server = await BotApiServer().start()
    folder = Path(tempfile.mkdtemp(prefix="alongside-bench-"))
    # BENCH_BOT_WRAPPER runs the bot under a profiler script, e.g. one using cProfile.
    wrapper = os.environ.get("BENCH_BOT_WRAPPER", "").split()
    command = [sys.executable, *wrapper, __file__, "--serve", variant, "--api", server.base_url,
               "--token", server.token, "--db", str(folder / "bench.db")]
    if rate_limit:
        command.append("--rate-limit")
    bot = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert bot.stdout is not None
    assert (await asyncio.wait_for(bot.stdout.readline(), 60)).strip() == b"ready"
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(person(server, 10_000 + n, variant, latencies, pace, pace * n / people)
                           for n in range(people)))
    elapsed = time.perf_counter() - started
    bot.send_signal(signal.SIGTERM)
    usage = json.loads((await asyncio.wait_for(bot.stdout.readline(), 60)).decode())
    await bot.wait()
    await server.stop()
    latencies.sort()
    updates = len(latencies)
    return {
        "updates": updates,
        "seconds": elapsed,
        "updates_per_s": updates / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (updates - 1))] * 1000,
        "cpu_ms_per_update": usage["cpu"] * 1000 / updates,
        "peak_mib": usage["peak_kib"] / 1024,
        "sends": server.calls.count("sendMessage"),
    }


def print_table(results: dict[str, dict[str, float]]) -> None:
    rows = [("updates handled", "updates", "{:.0f}"), ("wall seconds", "seconds", "{:.2f}"),
            ("updates per second", "updates_per_s", "{:.0f}"),
            ("p50 update -> reply (ms)", "p50_ms", "{:.1f}"),
            ("p99 update -> reply (ms)", "p99_ms", "{:.1f}"),
            ("bot CPU per update (ms)", "cpu_ms_per_update", "{:.2f}"),
            ("bot peak memory (MiB)", "peak_mib", "{:.0f}"),
            ("messages sent", "sends", "{:.0f}")]
    ours, echo = results["alongside"], results["echo"]
    print(f"{'':28}{'alongside':>12}{'echo bot':>12}{'ratio':>8}")
    for title, key, fmt in rows:
        ratio = ours[key] / echo[key] if echo[key] else float("nan")
        print(f"{title:28}{fmt.format(ours[key]):>12}{fmt.format(echo[key]):>12}{ratio:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--pace", type=float, default=0.0,
                        help="seconds each person waits between actions (0: as fast as they can)")
    parser.add_argument("--rate-limit", action="store_true",
                        help="send through PTB's AIORateLimiter (30 messages/s overall)")
    parser.add_argument("--serve", choices=["alongside", "echo"], help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "alongside":
        asyncio.run(serve_alongside(args.api, args.token, args.db, args.rate_limit))
        report_usage()
        return
    if args.serve == "echo":
        asyncio.run(serve_echo(args.api, args.token, args.rate_limit))
        report_usage()
        return
    pace = f"{args.pace:g}s between a person's actions" if args.pace else "as fast as they can"
    print(f"{args.people} people x {len(SCRIPT)} updates, {pace}, rate limiter "
          f"{'on' if args.rate_limit else 'off'}; {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}")
    results = {variant: asyncio.run(run_variant(variant, args.people, args.rate_limit, args.pace))
               for variant in ("alongside", "echo")}
    print_table(results)


if __name__ == "__main__":
    main()
