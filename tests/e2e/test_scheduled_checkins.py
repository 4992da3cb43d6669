"""Check-ins at the times each person picks: the real scheduler and storage, the Bot API
test server, and a clock the test moves (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.database import everything, query
from tests.fakes.phone import Phone

HOUR = timedelta(hours=1)


def utc(*args: int) -> str:
    return datetime(*args, tzinfo=UTC).isoformat(timespec="seconds")


async def onboard(phone: Phone, city: str, day: str | None = "Monday",
                  at: str | None = "9:00") -> None:
    await phone.send("/start")
    await phone.tap("Yes, keep my answers")
    await phone.send("Sam")
    await phone.tap("English")
    await phone.send(city)
    if day is None:
        await phone.send("/skip")
    else:
        await phone.send(day)
        await phone.send(at)
    await phone.send("/skip")  # no "how did it go" slot


async def add_slot(phone: Phone, flow: str, day: str, at: str) -> None:
    await phone.send("/schedule")
    await phone.tap("Add a check-in")
    await phone.tap(flow)
    await phone.tap(day)
    await phone.send(at)


async def run_clock(telegram, clock, until: datetime, step: timedelta = HOUR) -> None:
    scheduler = telegram.app.scheduler
    while clock.now < until:
        clock.advance(seconds=min(step, until - clock.now).total_seconds())
        await scheduler.tick()
        while (await scheduler.drain(telegram.channel)).seen:
            pass


def invitations(phone: Phone) -> list[str]:
    """The delivered check-ins this person received (whatever they did with them)."""
    return [m.text for m in phone.messages if "weekly check-in" in m.text]


def sent(telegram, chat_id: int) -> list[str]:
    return [row[0] for row in query(
        telegram.app.db.path,
        "SELECT o.due_at FROM outbox o JOIN people p ON p.id = o.person_id "
        "WHERE p.external_id = ? AND o.status = 'sent' ORDER BY o.due_at", str(chat_id))]


async def test_spring_dst_week_by_week_in_four_zones(telegram, clock):
    berlin, new_york = telegram.phone(5001), telegram.phone(5002)
    sydney, kolkata = telegram.phone(5003), telegram.phone(5004)
    await onboard(berlin, "Berlin", "Monday", "9:00")
    await add_slot(berlin, "What matters", "Sunday", "2:30")  # missing on 29 March
    await onboard(new_york, "New York", "Thursday", "19:00")
    await add_slot(new_york, "What matters", "Sunday", "2:15")  # missing on 8 March
    await onboard(sydney, "Sydney", "Monday", "9:00")
    await onboard(kolkata, "Kolkata", "Friday", "8:15")
    await run_clock(telegram, clock, datetime(2026, 4, 8, tzinfo=UTC))

    assert sent(telegram, 5001) == sorted(
        [utc(2026, 3, d, 8) for d in (9, 16, 23)] + [utc(2026, 3, 30, 7), utc(2026, 4, 6, 7)]
        + [utc(2026, 3, d, 1, 30) for d in (8, 15, 22)] + [utc(2026, 3, 29, 1), utc(2026, 4, 5, 0, 30)])
    assert sent(telegram, 5002) == sorted(
        [utc(2026, 3, 6, 0)] + [utc(2026, 3, d, 23) for d in (12, 19, 26)] + [utc(2026, 4, 2, 23)]
        + [utc(2026, 3, 8, 7)] + [utc(2026, 3, d, 6, 15) for d in (15, 22, 29)]
        + [utc(2026, 4, 5, 6, 15)])
    assert sent(telegram, 5003) == [utc(2026, 3, d, 22) for d in (8, 15, 22, 29)] + [
        utc(2026, 4, 5, 23)]
    assert sent(telegram, 5004) == [utc(2026, 3, d, 2, 45) for d in (6, 13, 20, 27)] + [
        utc(2026, 4, 3, 2, 45)]
    for phone, expected in ((berlin, 10), (new_york, 10), (sydney, 5), (kolkata, 5)):
        assert len(invitations(phone)) == expected  # each once: never repeated, never nagged


async def test_autumn_dst_week_by_week_in_four_zones(telegram, clock):
    clock.now = datetime(2026, 9, 28, tzinfo=UTC)
    berlin, new_york = telegram.phone(5011), telegram.phone(5012)
    sydney, kolkata = telegram.phone(5013), telegram.phone(5014)
    await onboard(berlin, "Berlin", "Monday", "9:00")
    await add_slot(berlin, "What matters", "Sunday", "2:30")  # twice on 25 October
    await onboard(new_york, "New York", "Thursday", "19:00")
    await add_slot(new_york, "How did it go", "Sunday", "1:30")  # twice on 1 November
    await onboard(sydney, "Sydney", "Monday", "9:00")
    await onboard(kolkata, "Kolkata", "Friday", "8:15")
    await run_clock(telegram, clock, datetime(2026, 11, 9, tzinfo=UTC))

    assert sent(telegram, 5011) == sorted(
        [utc(2026, 9, 28, 7)] + [utc(2026, 10, d, 7) for d in (5, 12, 19)]
        + [utc(2026, 10, 26, 8), utc(2026, 11, 2, 8)]
        + [utc(2026, 10, d, 0, 30) for d in (4, 11, 18, 25)]
        + [utc(2026, 11, 1, 1, 30), utc(2026, 11, 8, 1, 30)])
    assert sent(telegram, 5012) == sorted(
        [utc(2026, 10, d, 23) for d in (1, 8, 15, 22, 29)] + [utc(2026, 11, 6, 0)]
        + [utc(2026, 10, d, 5, 30) for d in (4, 11, 18, 25)]
        + [utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)])
    assert sent(telegram, 5013) == [utc(2026, 10, d, 22) for d in (4, 11, 18, 25)] + [
        utc(2026, 11, 1, 22), utc(2026, 11, 8, 22)]
    assert sent(telegram, 5014) == [utc(2026, 10, d, 2, 45) for d in (2, 9, 16, 23, 30)] + [
        utc(2026, 11, 6, 2, 45)]


async def test_a_delivered_check_in_starts_the_flow(telegram, clock):
    sam = telegram.phone(5021)
    await onboard(sam, "Berlin")  # Mondays 9:00; the clock stands at Monday 10:00 Berlin
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, tzinfo=UTC))
    invitation = sam.last
    assert invitation.labels == ["Start", "In an hour", "This evening", "Skip this one"]
    assert "weekly check-in" in invitation.text
    replies = await sam.tap("Start")
    assert invitation.buttons == [] and invitation.text.endswith("→ Start")
    assert "What matters to you this week?" in replies[-1].text or "this week" in replies[-1].text


async def test_later_comes_back_once_after_an_hour(telegram, clock):
    sam = telegram.phone(5022)
    await onboard(sam, "Berlin")
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, tzinfo=UTC))
    replies = await sam.tap("In an hour")
    assert "I'll ask again at 11:00" in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, 30, tzinfo=UTC), step=timedelta(minutes=10))
    assert len(invitations(sam)) == 1
    await run_clock(telegram, clock, datetime(2026, 3, 9, 12, tzinfo=UTC), step=timedelta(minutes=10))
    assert len(invitations(sam)) == 2  # once more, and not again after that


async def test_this_evening_and_skip_this_one(telegram, clock):
    sam = telegram.phone(5023)
    await onboard(sam, "Berlin")
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, tzinfo=UTC))
    replies = await sam.tap("This evening")
    assert "I'll ask again at 19:00" in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 9, 18, 30, tzinfo=UTC))
    replies = await sam.tap("Skip this one")
    assert "The next one comes as planned" in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 16, 7, tzinfo=UTC))
    assert len(invitations(sam)) == 2  # skipped: no reminder, no nagging
    await run_clock(telegram, clock, datetime(2026, 3, 16, 9, tzinfo=UTC))
    assert len(invitations(sam)) == 3  # next week's, as planned


async def test_a_check_in_never_interrupts_a_flow(telegram, clock):
    sam = telegram.phone(5024)
    await onboard(sam, "Berlin")
    await run_clock(telegram, clock, datetime(2026, 3, 9, 7, 30, tzinfo=UTC))
    await sam.send("/note")  # in the middle of a note when the check-in comes due
    await run_clock(telegram, clock, datetime(2026, 3, 9, 8, 20, tzinfo=UTC),
                    step=timedelta(minutes=10))
    assert invitations(sam) == []
    replies = await sam.send("slept well")
    assert "Noted" in replies[0].text
    assert "Start" in replies[-1].labels  # offered right after the flow


async def test_a_flow_left_half_way_days_ago_does_not_hold_back_the_next_check_in(telegram, clock):
    sam = telegram.phone(5027)
    await onboard(sam, "Berlin")
    await sam.send("/checkin")
    await sam.send("my garden")  # and then life happened: the check-in stays open
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, tzinfo=UTC))
    assert len(invitations(sam)) == 1
    replies = await sam.tap("Start")
    assert "What matters" in replies[-1].text  # this week's starts afresh
    assert "my garden" in everything(telegram.app.db.path, telegram.app.db.cipher)  # kept


async def test_pause_for_a_week_then_resume(telegram, clock):
    sam = telegram.phone(5025)
    await onboard(sam, "Berlin")
    await sam.send("/pause")
    replies = await sam.tap("A week")
    assert "paused" in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 10, tzinfo=UTC))
    assert invitations(sam) == []
    assert query(telegram.app.db.path, "SELECT status, reason FROM outbox") == [("skipped", "paused")]
    await run_clock(telegram, clock, datetime(2026, 3, 17, tzinfo=UTC))
    assert len(invitations(sam)) == 1  # the week is over


async def test_pause_until_resumed(telegram, clock):
    sam = telegram.phone(5026)
    await onboard(sam, "Berlin")
    await sam.send("/pause")
    await sam.tap("Until I resume")
    replies = await sam.send("/schedule")
    assert "Paused until you say /resume." in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 24, tzinfo=UTC))
    assert invitations(sam) == []
    replies = await sam.send("/resume")
    assert "Check-ins are back on." in replies[0].text
    await run_clock(telegram, clock, datetime(2026, 3, 30, 8, tzinfo=UTC))
    assert len(invitations(sam)) == 1  # no burst of the missed ones


async def test_schedule_lists_times_in_plain_words_and_removes_one(telegram, clock):
    sam = telegram.phone(5027)
    await onboard(sam, "Berlin")
    await add_slot(sam, "How did it go", "Thursday", "19:00")
    replies = await sam.send("/schedule")
    text = replies[-1].text
    assert "Your check-ins, in Europe/Berlin:" in text
    assert "• what matters: Mondays at 09:00" in text
    assert "• how did it go: Thursdays at 19:00" in text
    replies = await sam.tap("Remove Mondays 09:00")
    assert "Removed" in replies[0].text and "Mondays" not in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 10, tzinfo=UTC))
    assert invitations(sam) == []


async def test_a_new_timezone_keeps_the_local_time(telegram, clock):
    sam = telegram.phone(5028)
    await onboard(sam, "Berlin")
    await sam.send("/timezone")
    replies = await sam.send("New York")
    assert "America/New_York" in replies[-1].text
    await run_clock(telegram, clock, datetime(2026, 3, 10, tzinfo=UTC))
    # The clock stands at Monday 2 March, 04:00 in New York: today's 9:00 is still ahead.
    assert sent(telegram, 5028) == [utc(2026, 3, 2, 14), utc(2026, 3, 9, 13)]  # EST, then EDT


async def test_a_blocked_person_is_paused_and_back_when_they_write(telegram, clock):
    sam = telegram.phone(5029)
    await onboard(sam, "Berlin")
    telegram.server.fail("sendMessage", 403)
    await run_clock(telegram, clock, datetime(2026, 3, 17, tzinfo=UTC))
    rows = query(telegram.app.db.path, "SELECT status, reason FROM outbox ORDER BY due_at")
    assert rows == [("failed", "blocked"), ("skipped", "blocked")]
    await sam.send("/help")  # they unblocked the bot and wrote
    await run_clock(telegram, clock, datetime(2026, 3, 24, tzinfo=UTC))
    assert len(invitations(sam)) == 1


async def test_429_from_telegram_delays_but_loses_nothing(telegram, clock):
    sam = telegram.phone(5030)
    await onboard(sam, "Berlin")
    telegram.server.fail("sendMessage", 429, retry_after=1)
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, tzinfo=UTC))
    assert len(invitations(sam)) == 1
    assert query(telegram.app.db.path, "SELECT status FROM outbox") == [("sent",)]


@pytest.mark.parametrize(("down_for", "outcome"), [(timedelta(minutes=90), "sent"),
                                                   (timedelta(hours=5), "skipped")])
async def test_after_downtime_within_grace_it_is_sent_beyond_it_is_skipped(
        telegram, clock, down_for, outcome):
    sam = telegram.phone(5031)
    await onboard(sam, "Berlin")
    await run_clock(telegram, clock, datetime(2026, 3, 9, 7, tzinfo=UTC))
    clock.now = datetime(2026, 3, 9, 8, tzinfo=UTC) + down_for  # the bot was down
    await run_clock(telegram, clock, clock.now + timedelta(minutes=1), step=timedelta(minutes=1))
    rows = query(telegram.app.db.path, "SELECT status, reason FROM outbox")
    assert rows[0][0] == outcome
    assert len(invitations(sam)) == (1 if outcome == "sent" else 0)


async def test_a_check_in_left_out_during_downtime_is_mentioned_once_next_time(telegram, clock):
    sam = telegram.phone(5032)
    await onboard(sam, "Berlin")
    clock.now = datetime(2026, 3, 9, 13, tzinfo=UTC)  # down from before 9:00 until 14:00
    await run_clock(telegram, clock, datetime(2026, 3, 16, 9, tzinfo=UTC))
    await run_clock(telegram, clock, datetime(2026, 3, 23, 9, tzinfo=UTC))
    texts = invitations(sam)
    assert len(texts) == 2
    assert texts[0].startswith("While I was offline, a check-in could not go out in time")
    assert not texts[1].startswith("While I was offline")


async def test_a_check_in_arrives_in_the_persons_language(telegram, clock):
    alex = telegram.phone(5033, "de")
    await alex.send("/start")
    await alex.tap("Ja, speichern")
    await alex.send("Alex")
    await alex.tap("Deutsch")
    await alex.send("Wien")
    await alex.send("Montag")
    await alex.send("9:00")
    await alex.send("/skip")
    await run_clock(telegram, clock, datetime(2026, 3, 9, 9, tzinfo=UTC))
    invitation = alex.last
    assert "wöchentliche" in invitation.text and "Was ist dir diese Woche wichtig?" in invitation.text
    assert invitation.labels == ["Starten", "In einer Stunde", "Heute Abend", "Diesmal auslassen"]
    replies = await alex.tap("In einer Stunde")
    assert "Okay, ich frage um 11:00 noch einmal." in replies[-1].text
