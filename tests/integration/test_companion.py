"""The service layer with real storage: consent, a full week, commands mid-flow, bad input."""

from __future__ import annotations

from bot.events import Command, Inbound, Pressed, Who
from storage import answers, people, schedules
from tests.fakes.database import query
from tests.fakes.people import Person


def rows(db, sql: str) -> list[tuple]:
    return query(db.path, sql)


async def test_a_new_person_hears_what_the_companion_is_before_anything_else(companion):
    sam = Person(companion)
    await sam.command("start")
    assert "automated companion" in sam.text and "not for emergencies" in sam.text
    assert "not end-to-end encrypted" in sam.text
    assert [label for label, _ in sam.buttons] == ["Yes, keep my answers", "No, not now"]


async def test_a_first_message_that_is_not_a_command_also_begins_onboarding(companion):
    sam = Person(companion)
    await sam.say("hello?")
    assert "automated companion" in sam.text


async def test_without_consent_nothing_of_the_conversation_is_kept(companion, db):
    sam = Person(companion)
    await sam.command("start")
    await sam.press("No, not now")
    assert "Nothing from this chat has been kept" in sam.text
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM sessions") == [(0,)]
    await sam.command("checkin")  # still not onboarded: onboarding begins again
    assert "automated companion" in sam.text


async def test_onboarding_keeps_name_language_timezone_and_chosen_times(companion, db):
    sam = Person(companion)
    await sam.onboard(name="Sam")
    assert "I'll call you Sam." in sam.text and "Monday at 09:00" in sam.text
    async with db.transaction() as conn:
        person = await people.find(conn, "test", "1")
        slots = await schedules.for_person(conn, person.id)
    assert (person.name, person.timezone, person.onboarded, person.consent) == (
        "Sam", "Europe/Berlin", True, True)
    # The test clock stands at Monday 2 March 2026, 09:00 UTC (10:00 in Berlin).
    assert [(s.dialog_id, s.weekday, s.local_time, s.next_due_at) for s in slots] == [
        ("weekly", 0, "09:00", "2026-03-09T08:00:00+00:00"),
        ("review", 3, "19:00", "2026-03-05T18:00:00+00:00")]


async def test_a_full_week_the_review_quotes_the_chosen_step(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("checkin")
    assert "Hi Sam." in sam.text
    await sam.say("time with my daughter")
    assert "“time with my daughter”" in sam.text
    await sam.say("a walk on Saturday")
    await sam.press("6")
    assert "What makes it 6 and not a lower number?" in sam.text
    await sam.say("we both like the park")
    await sam.press("Skip")
    assert "Your step: “a walk on Saturday”" in sam.text
    await sam.command("review")
    assert "Last time you chose: “a walk on Saturday”. How did it go?" in sam.text
    await sam.press("Partly")
    await sam.say("rain")
    assert "closer to “time with my daughter”" in sam.text
    await sam.press("Closer")
    await sam.press("Keep")
    assert "How it went: Partly" in sam.text
    async with db.transaction() as conn:
        person = await people.find(conn, "test", "1")
        latest = await answers.latest(conn, person.id)
    assert latest["step"] == "a walk on Saturday" and latest["direction"] == "closer"


async def test_a_full_week_in_german(companion):
    alex = Person(companion, locale="de")
    await alex.command("start")
    assert "automatische Begleitung" in alex.text
    await alex.press("Ja, speichern")
    await alex.say("Alex")
    await alex.press("Deutsch")
    for answer in ("Wien", "Montag", "9", "Donnerstag", "19 Uhr"):
        await alex.say(answer)
    assert "Donnerstag um 19:00" in alex.text
    await alex.command("checkin")
    await alex.say("Ruhe")
    await alex.say("früher schlafen")
    await alex.press("Überspringen")
    assert "Dein Schritt: „früher schlafen“" in alex.text
    await alex.command("review")
    assert "„früher schlafen“" in alex.text


async def test_a_pressed_button_reports_the_chosen_answer(companion):
    sam = Person(companion)
    await sam.command("start")
    reply = await sam.press("Yes, keep my answers")
    assert reply.chosen == "Yes, keep my answers"


async def test_a_button_pressed_twice_changes_nothing_the_second_time(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("review")
    old = dict(sam.buttons)["Did it"]
    await sam.press("Did it")
    reply = await sam.press_data(old)
    assert reply.messages == [] and reply.notice == "That question has already moved on."
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE name = 'how_it_went'") == [(1,)]


async def test_a_forged_button_changes_nothing(companion):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("review")
    session = dict(sam.buttons)["Did it"].split("|")[1]
    for forged in (None, "", "garbage", f"a|{session}|how_it_went_open|no_such_key",
                   "a|999999|how_it_went_open|did_it", "a|x|y|z"):
        reply = await sam.press_data(forged)
        assert reply.messages == [] and reply.notice
    await sam.press("Did it")
    assert "What did you notice?" in sam.text


async def test_someone_elses_button_does_nothing_for_me(companion):
    sam, kim = Person(companion, "1"), Person(companion, "2")
    await sam.onboard()
    await kim.onboard(name="Kim")
    await sam.command("review")
    reply = await kim.press_data(dict(sam.buttons)["Did it"])
    assert reply.notice and reply.messages == []


async def test_a_redelivered_update_changes_nothing(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("note")
    first = await sam.say("once", update_id=10**9)
    await companion.delivered("test", [10**9])
    again = await sam.say("once", update_id=10**9)
    assert "Noted" in first.messages[0].text and again.duplicate and again.messages == []
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE name = 'note'") == [(1,)]
    assert rows(db, "SELECT reply FROM processed_updates WHERE update_id = 1000000000") == [(None,)]


async def test_a_reply_lost_in_a_crash_goes_out_when_the_update_comes_again(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("note")
    first = await sam.say("kept once", update_id=10**9)  # committed, never sent
    again = await sam.say("kept once", update_id=10**9)
    assert again.messages == first.messages and not again.duplicate
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE name = 'note'") == [(1,)]


async def test_another_flow_mid_check_in_pauses_it_and_checkin_resumes_it(companion):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("checkin")
    await sam.say("rest")
    await sam.command("note")
    assert "paused the check-in" in sam.text
    await sam.say("slept badly")
    await sam.command("checkin")
    assert "small step" in sam.text  # back at the question it was waiting on
    await sam.say("a nap")
    await sam.press("Skip")
    assert "What matters: “rest”" in sam.text


async def test_help_mid_flow_leaves_the_question_open(companion):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("checkin")
    await sam.command("help")
    assert "/checkin" in sam.text and "not a person" in sam.text
    await sam.say("rest")
    assert "“rest”" in sam.text


async def test_cancel_ends_the_flow_and_keeps_what_was_said(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("checkin")
    await sam.say("rest")
    await sam.command("cancel")
    assert "stopped here" in sam.text
    await sam.command("skip")
    assert "no open question" in sam.text
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE name = 'what_matters'") == [(1,)]


async def test_text_outside_a_flow_gets_a_pointer_not_silence(companion):
    sam = Person(companion)
    await sam.onboard()
    await sam.say("hello again")
    assert "/checkin" in sam.text
    await sam.sends("sticker")
    assert "can't read stickers" in sam.text


async def test_an_unknown_command_is_answered(companion):
    sam = Person(companion)
    await sam.command("frobnicate")
    assert "/help" in sam.text


async def test_a_returning_person_is_greeted_by_name(companion):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("start")
    assert "Sam" in sam.text and "automated companion" not in sam.text


async def test_five_thousand_characters_are_refused_whole(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("note")
    await sam.say("x" * 5000)
    assert "5000 characters, and up to 2000 fit here" in sam.text
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE name = 'note'") == [(0,)]


async def test_language_changes_for_the_next_messages(companion, db):
    sam = Person(companion)
    await sam.onboard()
    await sam.command("language")
    await sam.press("Deutsch")
    assert sam.last.locale == "de"
    await sam.command("checkin")
    assert "Hallo Sam." in sam.text


async def test_the_person_is_known_by_channel_and_id(companion):
    reply = await companion.handle(Inbound(Who("test", "77", "de"), Command("start")))
    assert "automatische Begleitung" in reply.messages[0].text
    reply = await companion.handle(Inbound(Who("other", "77", "en"), Pressed("a|1|x|y")))
    assert reply.notice == "That question has already moved on."
