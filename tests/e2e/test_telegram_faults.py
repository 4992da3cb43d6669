"""Errors from Telegram: retried, honoured or recorded — and the bot keeps running."""

from __future__ import annotations

from tests.fakes.database import query


def active(telegram, chat_id: int) -> list[tuple]:
    return query(telegram.app.db.path, "SELECT active FROM people WHERE external_id = ?",
                 str(chat_id))


async def test_429_is_honoured_and_the_message_still_arrives(telegram):
    telegram.server.fail("sendMessage", 429, retry_after=1)
    sam = telegram.phone(3001)
    replies = await sam.send("/help")
    assert len(replies) == 1 and "/checkin" in replies[0].text
    assert telegram.server.calls.count("sendMessage") == 2


async def test_502_is_retried_with_backoff(telegram):
    telegram.server.fail("sendMessage", 502, times=2)
    sam = telegram.phone(3002)
    replies = await sam.send("/start")
    assert "automated companion" in replies[0].text
    assert telegram.server.calls.count("sendMessage") == 2 + 1  # two failures, then the message


async def test_a_flaky_getupdates_does_not_stop_the_bot(telegram):
    telegram.server.fail("getUpdates", 502, times=3)
    sam = telegram.phone(3003)
    replies = await sam.send("/help")
    assert "/checkin" in replies[0].text


async def test_a_slow_answer_from_telegram_is_waited_for(telegram):
    telegram.server.stall("sendMessage", 1.0)
    sam = telegram.phone(3004)
    replies = await sam.send("/help")
    assert len(replies) == 1


async def test_403_marks_the_person_unreachable_and_others_carry_on(telegram):
    sam, kim = telegram.phone(3005), telegram.phone(3006)
    await sam.send("/help")
    telegram.server.fail("sendMessage", 403)
    await sam.send("/help")
    assert active(telegram, 3005) == [(0,)]
    replies = await kim.send("/help")
    assert "/checkin" in replies[0].text
    await sam.send("/help")  # writing again means they are back
    assert active(telegram, 3005) == [(1,)]


async def test_a_reply_that_could_not_be_sent_goes_out_when_telegram_is_back(telegram):
    attempts = telegram.channel.delivery.attempts
    telegram.server.fail("sendMessage", 502, times=attempts)  # every retry fails once
    sam = telegram.phone(3007)
    replies = await sam.send("/help")
    assert len(replies) == 1 and "/checkin" in replies[0].text
    served = telegram.server.served
    assert len(served) > len(set(served))  # the update came again, unconfirmed
    assert telegram.server.calls.count("sendMessage") == attempts + 1


async def test_a_bug_while_handling_is_logged_without_personal_text(telegram, caplog):
    real = telegram.app.companion.handle
    calls = []

    async def broken(inbound):
        calls.append(inbound)
        if len(calls) == 1:
            raise RuntimeError(f"failed on {inbound.action}")  # carries the person's words
        return await real(inbound)

    telegram.app.companion.handle = broken
    sam = telegram.phone(3008)
    replies = await sam.send("my private words")
    assert "something went wrong on my side" in replies[0].text
    assert "RuntimeError while handling update" in caplog.text
    assert "private words" not in caplog.text
    replies = await sam.send("/help")  # and the bot carries on
    assert "/checkin" in replies[0].text
