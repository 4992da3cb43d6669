"""`alongside run` as an operator starts it: a subprocess against the test server."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tests.conftest import ALONGSIDE
from tests.fakes.database import query
from tests.fakes.phone import Phone


async def start_bot(server, db: Path, token: str | None = None,
                    level: str = "INFO") -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token or server.token,
           "TELEGRAM_API_URL": server.base_url, "ALONGSIDE_DB": str(db),
           "ALONGSIDE_LOG_LEVEL": level}
    return await asyncio.create_subprocess_exec(
        ALONGSIDE, "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_a_sigkill_mid_check_in_loses_nothing(server, tmp_path):
    db = tmp_path / "bot.db"
    bot = await start_bot(server, db)
    sam = Phone(server, 4001)
    try:
        await sam.send("/start")
        await sam.tap("Yes, keep my answers")
        await sam.send("Sam")
        await sam.tap("English")
        for _ in range(3):
            await sam.send("/skip")
        await sam.send("/checkin")
        await sam.send("time outdoors")
        await sam.send("a walk by the river")
    finally:
        bot.kill()  # SIGKILL, mid check-in: the confidence question is waiting
        await bot.wait()
    assert "how confident are you" in sam.last.text

    bot = await start_bot(server, db)
    try:
        replies = await sam.tap("8")  # the person goes on where they were
        assert "What makes it 8 and not a lower number?" in replies[-1].text
        await sam.send("the river is close")
        replies = await sam.send("/skip")
        assert "What matters: “time outdoors”" in replies[-1].text
        assert "Your step: “a walk by the river”" in replies[-1].text
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 20)
    assert bot.returncode == 0

    kept = query(db, "SELECT name, COUNT(*) FROM answers GROUP BY name")
    assert dict(kept) == {"consent": 1, "name": 1, "language": 1, "what_matters": 1, "step": 1,
                          "confidence": 1, "not_lower": 1}


async def test_sigterm_stops_cleanly_and_logs_no_personal_text(server, tmp_path):
    bot = await start_bot(server, tmp_path / "bot.db", level="DEBUG")  # even at DEBUG
    sam = Phone(server, 4002)
    await sam.send("/start")
    await sam.tap("Yes, keep my answers")
    await sam.send("My secret name Zebediah")
    await sam.tap("English")
    await sam.send("Ulaanbaatar")
    server.fail("sendMessage", 502)  # an error path logs too
    await sam.send("/help")
    bot.send_signal(signal.SIGTERM)
    _out, err = await asyncio.wait_for(bot.communicate(), 20)
    assert bot.returncode == 0
    assert b"stopped cleanly" in err and b"retrying" in err
    for personal in (b"Zebediah", b"Ulaanbaatar", server.token.encode()):
        assert personal not in err


async def test_a_token_telegram_rejects_exits_2_with_one_line(server, tmp_path):
    bot = await start_bot(server, tmp_path / "bot.db", token="999:wrong")
    _out, err = await asyncio.wait_for(bot.communicate(), 30)
    assert bot.returncode == 2
    lines = [line for line in err.decode().splitlines() if "rejected" in line]
    assert len(lines) == 1 and "alongside chat" in lines[0]


async def test_no_token_exits_2_and_points_to_the_terminal_chat(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["ALONGSIDE_DB"] = str(tmp_path / "x.db")
    process = await asyncio.create_subprocess_exec(
        ALONGSIDE, "run", env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    _out, err = await process.communicate()
    assert process.returncode == 2
    assert err.decode().count("\n") == 1 and "alongside chat" in err.decode()
