"""Sharing a week with a therapist on Telegram: three accounts — the person, their
therapist and a stranger — against the Bot API test server, the real scheduler on a
clock the test moves."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.e2e.test_scheduled_checkins import onboard, run_clock
from tests.fakes.database import query
from tests.fakes.phone import Phone

NOTES = "Notes in my own words"
STEPS = "What matters and chosen steps"
SUNDAY_EVENING = datetime(2026, 3, 8, 17, 5, tzinfo=UTC)  # 18:05 in Berlin


async def a_week(sam: Phone) -> None:
    await onboard(sam, "Berlin")
    await sam.send("/checkin")
    await sam.send("time with my daughter")
    await sam.send("a walk on Saturday")
    await sam.send("/cancel")
    await sam.send("/note")
    await sam.send("my knee felt better")


async def link(sam: Phone, lee: Phone, scope: str) -> str:
    replies = await sam.send("/share")
    found = re.search(r"https://t\.me/alongside_test_bot\?start=([A-Za-z0-9_-]+)", replies[0].text)
    assert found, replies[0].text
    code = found.group(1)
    before = len(sam.messages)
    opened = await lee.send(f"/start {code}")  # what Telegram sends when the link is opened
    assert "now chooses what to share" in opened[0].text
    [asked] = sam.messages[before:]
    assert asked.text.startswith("Dr Lee opened your link")
    await sam.tap(f"☐ {scope}", on=asked)
    assert f"☑ {scope}" in asked.labels and asked.edits == 1  # ticked in place
    await sam.tap("Confirm", on=asked)
    return code


async def test_share_preview_send_read_then_revoke(telegram, clock):
    sam = telegram.phone(4001, name="Sam")
    lee = telegram.phone(4002, name="Dr Lee")
    await a_week(sam)
    await link(sam, lee, NOTES)
    assert "Dr Lee can receive: Notes in my own words" in sam.last.text
    assert lee.last.text.startswith("Sam now shares weekly summaries with you")
    menu = [c["command"] for c in telegram.server.commands["chat:4002"]]
    assert menu[-2:] == ["patients", "summary"] and "chat:4001" not in telegram.server.commands
    told = len(lee.messages)

    await run_clock(telegram, clock, SUNDAY_EVENING)
    preview = sam.last
    assert "It goes only if you tap Send" in preview.text
    assert "Note: “my knee felt better”" in preview.text
    assert "time with my daughter" not in preview.text and "a walk" not in preview.text
    assert len(lee.messages) == told  # nothing before the person says so

    await sam.tap("Send to Dr Lee", on=preview)
    assert preview.text.endswith("→ Send to Dr Lee") and preview.buttons == []
    received = lee.messages[told:]
    assert len(received) == 1 and received[0].text.startswith("Weekly summary from Sam")
    assert "my knee felt better" in received[0].text and "daughter" not in received[0].text
    assert query(telegram.app.db.path, "SELECT status FROM summaries") == [("sent",)]

    replies = await lee.send("/summary Sam")
    assert "my knee felt better" in replies[0].text
    replies = await lee.send("/patients")
    assert f"1. Sam — {NOTES}" in replies[0].text

    await sam.send("/sharing")
    await sam.tap("Stop sharing")
    await sam.tap("Yes, stop sharing")
    assert "Sharing with Dr Lee has stopped" in sam.last.text
    replies = await lee.send("/summary Sam")
    assert replies[0].text == "There's nothing shared with you under that name."
    replies = await lee.send("/patients")
    assert replies[0].text == "No one is sharing summaries with you right now."


async def test_a_stranger_gets_nothing_with_guessed_used_or_forged_input(telegram, clock):
    sam = telegram.phone(4011, name="Sam")
    lee = telegram.phone(4012, name="Dr Lee")
    eve = telegram.phone(4013, name="Eve")
    await a_week(sam)
    code = await link(sam, lee, STEPS)
    for guess in (code, "AAAAAAAAAAAAAAAAAAAAAA"):
        replies = await eve.send(f"/start {guess}")
        assert replies[0].text.startswith("This link code doesn't work")
    await run_clock(telegram, clock, SUNDAY_EVENING)
    summary_id, link_id = query(telegram.app.db.path, "SELECT id, link_id FROM summaries")[0]
    lee_before, sam_before = len(lee.messages), len(sam.messages)
    for data in (f"v|{summary_id}|send", f"l|{link_id}|end", f"l|{link_id}|auto"):
        await eve.tap_data(data, on=eve.last)
        assert telegram.server.callback_answers  # answered with a short notice, nothing else
    replies = await eve.send("/summary Sam")
    assert replies[0].text == "There's nothing shared with you under that name."
    await lee.tap_data(f"v|{summary_id}|send", on=lee.last)  # not the therapist's to approve
    assert len(lee.messages) == lee_before and len(sam.messages) == sam_before
    assert query(telegram.app.db.path, "SELECT status FROM summaries") == [("preview",)]
    assert query(telegram.app.db.path, "SELECT status, auto_send FROM links") == [("active", 0)]
