"""The outbox across restarts: nothing lost; one documented duplicate at most."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

import pytest

from bot.app import build, telegram_channel
from bot.channels.telegram_channel import Delivery
from tests.conftest import ALONGSIDE
from tests.e2e.conftest import FAST, settings_for
from tests.fakes.database import query
from tests.fakes.people import Person

CHAT = 6001


class Crash(BaseException):
    """The process dies here."""


async def onboarded(app) -> None:
    await Person(app.companion, str(CHAT), channel="telegram").onboard()  # Mondays 9:00 Berlin


async def drain_all(app, channel) -> None:
    while (await app.scheduler.drain(channel)).seen:
        pass


def invitations(server) -> list[str]:
    return [m.text for m in server.said(CHAT) if "weekly check-in" in m.text]


async def test_a_restart_between_tick_and_send_loses_nothing(server, tmp_path, clock):
    settings = settings_for(server, tmp_path)
    async with build(settings, clock) as app:
        await onboarded(app)
        clock.now = datetime(2026, 3, 9, 8, 0, 30, tzinfo=UTC)
        # Monday's check-in is due; Thursday's (5 March) was missed beyond the grace window.
        assert await app.scheduler.tick() == 2
    # ... the process stops here, and starts again:
    async with build(settings, clock) as app:
        channel = telegram_channel(app, FAST)
        await channel.start()
        try:
            await app.scheduler.tick()  # a second tick adds nothing for the same due time
            await drain_all(app, channel)
        finally:
            await channel.stop()
    assert len(invitations(server)) == 1
    assert query(settings.database, "SELECT dialog_id, status, reason FROM outbox ORDER BY due_at") == [
        ("review", "skipped", "missed"), ("weekly", "sent", None)]


async def test_a_crash_between_send_and_mark_sends_that_one_again_once(server, tmp_path, clock):
    settings = settings_for(server, tmp_path)
    async with build(settings, clock) as app:
        await onboarded(app)
        clock.now = datetime(2026, 3, 9, 8, 0, 30, tzinfo=UTC)
        await app.scheduler.tick()
        channel = telegram_channel(app, FAST)
        await channel.start()

        class DiesAfterSending:
            async def send(self, to, message):
                await channel.send(to, message)
                raise Crash

        try:
            with pytest.raises(Crash):
                await app.scheduler.drain(DiesAfterSending())
        finally:
            await channel.stop()
    async with build(settings, clock) as app:
        channel = telegram_channel(app, FAST)
        await channel.start()
        try:
            await drain_all(app, channel)
            await drain_all(app, channel)
        finally:
            await channel.stop()
    assert len(invitations(server)) == 2  # the documented at-least-once duplicate, no more
    assert query(settings.database, "SELECT status FROM outbox WHERE dialog_id = 'weekly'") == [
        ("sent",)]


async def test_the_periodic_job_delivers_without_anyone_ticking_by_hand(server, tmp_path):
    settings = settings_for(server, tmp_path)
    moment = [datetime(2026, 3, 2, 9, tzinfo=UTC)]
    async with build(settings, lambda: moment[0]) as app:
        await onboarded(app)
        moment[0] = datetime(2026, 3, 9, 8, 1, tzinfo=UTC)
        channel = telegram_channel(app, Delivery(first_backoff=0.01, poll_timeout=1,
                                                 tick_seconds=0.2))
        await channel.start()  # APScheduler, through PTB's JobQueue, runs the tick
        try:
            await server.wait_for(CHAT, len(server.said(CHAT)) + 1, timeout=10)
        finally:
            await channel.stop()
    assert len(invitations(server)) == 1


async def test_schedule_status_shows_counts_and_times_without_personal_text(server, tmp_path,
                                                                            clock):
    settings = settings_for(server, tmp_path)
    async with build(settings, clock) as app:
        person = Person(app.companion, str(CHAT), channel="telegram")
        await person.onboard(name="Zebediah")
    env = {**os.environ, "ALONGSIDE_DB": str(settings.database)}
    process = await asyncio.create_subprocess_exec(
        ALONGSIDE, "schedule", "status", env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0
    text = out.decode()
    assert "outbox: 0 pending, 0 sent, 0 skipped, 0 failed" in text
    assert "2026-03-09T08:00:00+00:00  weekly" in text
    assert "2026-03-05T18:00:00+00:00  review" in text
    assert b"Zebediah" not in out + err and b"Berlin" not in out + err
