"""The safety net and honesty about what the companion is."""

from __future__ import annotations

import pytest

from bot import safety
from tests.fakes.database import everything, query
from tests.fakes.people import Person

CRISIS = {"en": "honestly I want to die", "de": "ich will mir das Leben nehmen"}
ORDINARY = ["I gave up sugar", "dead tired after work", "my back pain is bad", "killing time",
            "Ich bin müde", "der Schmerz im Rücken", "I'm tired of the rain", "die Sonne"]

# Commands, then answers, that reach a free-text question in each shipped flow.
TEXT_QUESTIONS = {
    "weekly.what_matters": ("checkin", []),
    "weekly.step": ("checkin", ["rest"]),
    "weekly.not_lower": ("checkin", ["rest", "a nap", "6"]),
    "weekly.one_point_up": ("checkin", ["rest", "a nap", "6", "it helps"]),
    "weekly.more_doable": ("checkin", ["rest", "a nap", "0"]),
    "review.noticed": ("review", ["1"]),
    "review.what_change": ("review", ["1", "it went", "1", "2"]),
    "note.note": ("note", []),
}


async def onboarded(companion, locale: str) -> Person:
    person = Person(companion, locale=locale)
    await person.command("start")
    await person.say("1")
    await person.say("Sam")
    await person.say("English" if locale == "en" else "Deutsch")
    await person.say("Berlin")
    await person.command("skip")
    await person.command("skip")
    return person


@pytest.mark.parametrize("locale", ["en", "de"])
@pytest.mark.parametrize("where", list(TEXT_QUESTIONS))
async def test_crisis_wording_in_any_free_text_question_gets_the_resources(companion, db, locale,
                                                                           where):
    person = await onboarded(companion, locale)
    command, answers = TEXT_QUESTIONS[where]
    await person.command(command)
    for answer in answers:
        await person.say(answer)
    question = person.question.text
    await person.say(CRISIS[locale])
    text = person.text
    assert ("112" in text) and ("findahelpline.com" in text)
    assert person.last.messages[0].text.startswith(
        "What you wrote sounds really hard" if locale == "en" else "Was du schreibst")
    # Only a count is kept: the words are nowhere in the database.
    assert query(db.path, "SELECT safety_replies FROM people") == [(1,)]
    assert CRISIS[locale] not in everything(db.path, db.cipher)
    await person.press("Go on" if locale == "en" else "Weitermachen")
    assert person.question.text.endswith(question.split("\n\n")[-1])  # the same question


async def test_stop_here_pauses_the_check_in(companion):
    person = await onboarded(companion, "en")
    await person.command("checkin")
    await person.say("I keep thinking about suicide")
    await person.press("Stop here")
    assert "we'll stop here" in person.text
    await person.command("checkin")
    assert "What matters" in person.text or "important" in person.text


async def test_crisis_wording_outside_a_flow_also_gets_the_resources(companion):
    person = await onboarded(companion, "en")
    await person.say("he hits me")
    assert "988" in person.text
    assert all(message.buttons == () for message in person.last.messages)  # nothing to go on with


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_do_not_raise_an_alarm(library, text):
    assert safety.check(text, library.lexicon) is None


async def test_every_time_not_just_the_first(companion, db):
    person = await onboarded(companion, "en")
    await person.command("note")
    for _ in range(3):
        await person.say("I want to hurt myself")
        assert "findahelpline.com" in person.text
    assert query(db.path, "SELECT safety_replies FROM people") == [(3,)]


async def test_sos_works_in_the_middle_of_a_flow(companion):
    person = await onboarded(companion, "de")
    await person.command("checkin")
    await person.command("sos")
    assert "TelefonSeelsorge" in person.text and "0800 111 0 111" in person.text
    await person.say("Ruhe")
    assert "„Ruhe“" in person.text  # the flow is where it was


@pytest.mark.parametrize(("locale", "question", "words"), [
    ("en", "Are you a real person?", "not a person"),
    ("de", "Bist du ein Mensch?", "kein Mensch"),
])
async def test_asked_whether_it_is_a_person_it_says_plainly(companion, db, locale, question, words):
    person = await onboarded(companion, locale)
    await person.command("note")
    await person.say(question)
    assert words in person.text and "Telegram" in person.text
    assert query(db.path, "SELECT COUNT(*) FROM answers WHERE name = 'note'") == [(0,)]
    assert person.question is not None  # the note question, again


async def test_back_after_a_week_it_says_again_what_it_is(companion, clock):
    person = await onboarded(companion, "en")
    clock.advance(days=6)
    await person.command("help")
    assert person.last.messages[0].text.startswith("I'm Alongside")
    clock.advance(days=7)
    await person.command("checkin")
    assert person.last.messages[0].text.startswith("A word about what I am")
    assert "not a person" in person.last.messages[0].text
