"""Bad input gets a clear, kind answer on Telegram, and nothing is lost."""

from __future__ import annotations

import pytest

from tests.fakes.database import query


def rows(telegram, sql: str) -> list[tuple]:
    return query(telegram.app.db.path, sql)


@pytest.fixture
async def sam(telegram):
    phone = telegram.phone(2001, "en")
    await phone.send("/start")
    await phone.tap("Yes, keep my answers")
    await phone.send("Sam")
    await phone.tap("English")
    return phone


async def test_a_sticker_photo_or_voice_where_text_was_expected(sam):
    await sam.send("/skip")  # timezone
    await sam.send("/skip")  # day
    await sam.send("/skip")  # review day: onboarding done
    await sam.send("/note")
    for send, words in ((sam.sticker, "can't read stickers"), (sam.photo, "can't see pictures"),
                        (sam.voice, "can't listen to voice messages")):
        replies = await send()
        assert words in replies[0].text
        assert "What would you like to note?" in replies[0].text  # the question, again
    replies = await sam.send("still here")
    assert "“still here”" in replies[-1].text


async def test_a_location_answers_the_timezone_question(sam, telegram):
    replies = await sam.location(-33.87, 151.2)
    assert "On which day" in replies[-1].text
    assert rows(telegram, "SELECT timezone FROM people") == [("Australia/Sydney",)]


async def test_five_thousand_characters_are_refused_whole_and_kept_nowhere(sam, telegram):
    for _ in range(3):
        await sam.send("/skip")  # timezone, days: onboarding is done
    await sam.send("/note")
    replies = await sam.send("y" * 5000)
    assert "That's 5000 characters, and up to 2000 fit here" in replies[0].text
    assert rows(telegram, "SELECT COUNT(*) FROM answers WHERE name = 'note'") == [(0,)]
    assert telegram.server.rejected == []


async def test_a_button_cannot_be_pressed_twice(sam, telegram):
    day = (await sam.send("Berlin"))[-1]
    assert "On which day" in day.text
    data = day.data_for("Monday")
    await sam.tap("Monday", on=day)
    assert day.buttons == [] and day.text.endswith("→ Monday")
    before = len(sam.messages)
    await sam.tap_data(data, on=day)
    assert len(sam.messages) == before  # nothing new said
    assert list(telegram.server.callback_answers.values())[-1] == "That question has already moved on."


@pytest.mark.parametrize("forged", ["a|1|checkin_day|mon", "a|999|consent|yes", "nonsense",
                                    "a|1|language|xx"])
async def test_a_forged_button_changes_nothing(sam, telegram, forged):
    question = sam.last
    before = rows(telegram, "SELECT state FROM sessions")
    await sam.tap_data(forged, on=question)
    assert rows(telegram, "SELECT state FROM sessions") == before
    assert list(telegram.server.callback_answers.values())[-1] == "That question has already moved on."


async def test_a_command_mid_flow_pauses_it_and_checkin_picks_it_up(sam):
    for _ in range(4):
        await sam.send("/skip")
    await sam.send("/checkin")
    await sam.send("rest")
    replies = await sam.send("/note")
    assert "paused the check-in" in replies[0].text
    await sam.send("slept badly")
    replies = await sam.send("/checkin")
    assert "small step" in replies[-1].text


async def test_typing_an_answer_closes_the_buttons_of_the_question(sam, telegram):
    timezone = sam.last
    await sam.send("Berlin")
    day = sam.last
    assert "Monday" in day.labels
    await sam.send("monday")  # typed instead of tapped
    assert day.buttons == []
    # A lone Skip button may stay; pressed late, it changes nothing.
    before = len(sam.messages)
    await sam.tap("Skip", on=timezone)
    assert len(sam.messages) == before
    assert list(telegram.server.callback_answers.values())[-1] == "That question has already moved on."


async def test_a_group_chat_gets_told_private_chats_only(telegram):
    server = telegram.server
    before = len(server.said(-500))
    await server.reply_to(server.text(-500, "/start", chat_type="group"), -500)
    said = server.said(-500)[before:]
    assert len(said) == 1 and "only talk in private chats" in said[0].text
    assert rows(telegram, "SELECT COUNT(*) FROM people WHERE external_id = '-500'") == [(0,)]


async def test_a_redelivered_update_changes_nothing(sam, telegram):
    server = telegram.server
    await sam.send("/skip")
    update_id = await server.text(sam.chat_id, "/skip")
    await server.wait_until_confirmed(update_id)
    state = rows(telegram, "SELECT state FROM sessions")
    said = len(sam.messages)
    await server.redeliver(update_id)
    await sam.send("/help")  # handled after the redelivered one
    assert server.served.count(update_id) == 2
    assert rows(telegram, "SELECT state FROM sessions") == state
    assert len(sam.messages) == said + 1
