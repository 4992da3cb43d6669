"""A person does onboarding and a full week on Telegram, by buttons and messages."""

from __future__ import annotations

from tests.fakes.database import query


def count(db_path, sql: str) -> int:
    return query(db_path, sql)[0][0]


async def test_a_whole_week_in_english(telegram):
    sam = telegram.phone(1001, "en")
    replies = await sam.send("/start")
    assert "automated companion" in replies[0].text
    assert "not end-to-end encrypted" in sam.text(replies)
    consent = replies[-1]
    assert consent.labels == ["Yes, keep my answers", "No, not now"]

    await sam.tap("Yes, keep my answers")
    assert consent.text.endswith("→ Yes, keep my answers") and consent.buttons == []
    assert sam.last.text == "What would you like me to call you?"
    await sam.send("Sam")
    await sam.tap("English")
    await sam.send("Berlin")
    await sam.tap("Monday")
    await sam.tap("09:00")
    await sam.tap("Thursday")
    replies = await sam.send("7pm")
    assert "• What matters: Monday at 09:00" in replies[-1].text
    assert "• How did it go: Thursday at 19:00" in replies[-1].text

    replies = await sam.send("/checkin")
    assert sam.text(replies).startswith("Hi Sam.")
    await sam.send("time with my daughter")
    assert "“time with my daughter” matters to you" in sam.text(sam.messages[-2:])
    replies = await sam.send("a walk on Saturday")
    scale = replies[-1]
    assert [len(row) for row in scale.buttons] == [6, 5, 1]  # fits on a phone
    await sam.tap("7")
    assert scale.text.endswith("→ 7")
    assert sam.last.text == "What makes it 7 and not a lower number?"
    await sam.send("we both love the park")
    replies = await sam.tap("Skip")
    assert "Your step: “a walk on Saturday”" in replies[-1].text

    replies = await sam.send("/review")
    assert "Last time you chose: “a walk on Saturday”. How did it go?" in replies[-1].text
    await sam.tap("Partly")
    replies = await sam.send("rain on Saturday, sun on Sunday")
    assert "closer to “time with my daughter”" in replies[-1].text
    await sam.tap("Closer")
    replies = await sam.tap("Keep")
    assert "How it went: Partly" in replies[-1].text and "Toward what matters: Closer" in replies[-1].text

    assert telegram.server.rejected == []  # Telegram accepted every message and edit
    db = telegram.app.db.path
    assert count(db, "SELECT COUNT(*) FROM answers WHERE name = 'step'") == 1
    assert count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'") == 3


async def test_a_whole_week_in_german_from_the_phones_language(telegram):
    alex = telegram.phone(1002, "de")
    replies = await alex.send("/start")
    assert "automatische Begleitung" in replies[0].text
    await alex.tap("Ja, speichern")
    await alex.send("Alex")
    await alex.tap("Deutsch")
    await alex.send("Wien")
    await alex.tap("Mittwoch")
    await alex.send("8:30")
    replies = await alex.tap("Überspringen")
    assert "• Was ist mir wichtig: Mittwoch um 08:30" in replies[-1].text
    await alex.send("/checkin")
    await alex.send("Ruhe")
    await alex.send("früher schlafen")
    await alex.tap("8")
    await alex.tap("Überspringen")
    replies = await alex.tap("Überspringen")
    assert "Dein Schritt: „früher schlafen“" in replies[-1].text
    replies = await alex.send("/review")
    assert "„früher schlafen“" in replies[-1].text
    await alex.tap("Diesmal nicht")
    await alex.send("zu müde")
    await alex.tap("Nicht sicher")
    replies = await alex.tap("Loslassen")
    assert "Wie es lief: Diesmal nicht" in replies[-1].text
    assert telegram.server.rejected == []


async def test_the_command_menu_is_registered_in_english_and_german(telegram):
    commands = telegram.server.commands
    assert {"", "en", "de"} <= set(commands)
    assert [c["command"] for c in commands["en"]][:3] == ["checkin", "review", "note"]
    assert commands["de"][0]["description"] == "Was dir diese Woche wichtig ist"


async def test_language_can_be_changed(telegram):
    sam = telegram.phone(1003, "en")
    await sam.send("/start")
    await sam.tap("Yes, keep my answers")
    await sam.send("/skip")
    await sam.tap("English")
    await sam.send("/cancel")
    await sam.send("/language")
    replies = await sam.tap("Deutsch")
    assert "Ab jetzt spreche ich Deutsch." in replies[-1].text
    replies = await sam.send("/help")
    assert "Ich bin Alongside" in replies[-1].text
