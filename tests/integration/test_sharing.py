"""Sharing with a therapist, through the service layer: a real database, the real
scheduler on a controllable clock, and three accounts — a person, their therapist and
a stranger."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.app import build
from bot.checkins import Companion
from bot.config import Settings
from bot.events import Command, Inbound, Who
from tests.fakes.database import everything, query
from tests.fakes.people import (
    Mailroom,
    Person,
    lived_a_week,
    share_code,
    share_with,
    summaries_due,
)

STEPS = "What matters and chosen steps"
RATINGS = "Ratings (confidence, how it went)"
NOTES = "Notes in my own words"


@pytest.fixture
def mail() -> Mailroom:
    return Mailroom()


async def people(companion: Companion) -> tuple[Person, Person, Person]:
    sam = await lived_a_week(companion)
    sam.who = replace(sam.who, name="Sam Smith")  # as Telegram shows the account
    lee = Person(companion, "900", channel="telegram", name="Dr Lee")
    stranger = Person(companion, "666", channel="telegram", name="Mallory")
    return sam, lee, stranger


async def test_nothing_is_shared_before_the_person_confirms(companion, clock, mail):
    sam, lee, _ = await people(companion)
    code = share_code(await sam.command("share"))
    assert "Nothing goes to them before you confirm" in sam.text
    assert "stays in your therapist's Telegram chat" in sam.text
    await lee.command("start", code)
    assert "now chooses what to share" in lee.text
    asked = sam.receive(lee.last.others)
    assert "Dr Lee opened your link" in asked[0].text
    assert "stay in Dr Lee's chat" in asked[0].text
    await lee.command("patients")
    assert "No one is sharing" in lee.text
    await lee.command("summary", "Person")
    assert "nothing shared with you" in lee.text
    assert await summaries_due(companion, clock, mail) == []


async def test_confirming_with_nothing_ticked_asks_for_a_choice(companion):
    sam, lee, _ = await people(companion)
    await lee.command("start", share_code(await sam.command("share")))
    sam.receive(lee.last.others)
    await sam.press("Confirm")
    assert sam.last.notice == "Tick at least one, or tap “Share nothing”."
    await sam.press("Share nothing")
    assert "nothing is shared with Dr Lee" in sam.text
    assert lee.receive(sam.last.others)[0].text == "No sharing was set up from that link."


@pytest.mark.parametrize(("scope", "shown", "hidden"), [
    (STEPS, ["What matters: “time with my daughter”", "Chosen step: “a walk on Saturday”"],
     ["7 / 10", "Partly", "my knee", "rain on Sunday"]),
    (RATINGS, ["Confidence: 7 / 10", "How it went: Partly"],
     ["daughter", "a walk", "my knee", "rain on Sunday"]),
    (NOTES, ["Note: “my knee felt better”", "Noticed: “rain on Sunday”"],
     ["daughter", "a walk", "7 / 10", "Partly"]),
])
async def test_a_summary_holds_only_the_chosen_scopes(companion, clock, mail, scope, shown, hidden):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, scope)
    assert f"Dr Lee can receive: {scope}" in sam.text
    assert lee.inbox[-1].text.startswith(f"Sam Smith now shares weekly summaries with you: {scope}.")
    await summaries_due(companion, clock, mail)
    assert mail.to(lee) == []  # the person sees it first
    preview = sam.receive(mail.letters)[-1]
    assert "It goes only if you tap Send" in preview.text
    for words in shown:
        assert words in preview.text
    for words in hidden:
        assert words not in preview.text
    sent = await sam.press("Send to Dr Lee")
    received = lee.receive(sent.others)[-1].text
    assert received.endswith(preview.text.split("\n\n", 1)[1])  # exactly what was previewed
    await companion.summaries_sent([letter.summary_id for letter in sent.others
                                    if letter.summary_id])
    await lee.command("summary", "Sam Smith")
    assert lee.text.count("Weekly summary from Sam Smith") == 1
    for words in shown:
        assert words in lee.text
    for words in hidden:
        assert words not in lee.text


async def test_not_this_week_sends_nothing(companion, clock, mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, NOTES)
    await summaries_due(companion, clock, mail)
    sam.receive(mail.letters)
    await sam.press("Not this week")
    assert sam.text == "Okay, nothing goes this week." and sam.last.others == []
    await lee.command("summary", "Sam Smith 4")
    assert "hasn't sent a summary in the last 4 week(s)" in lee.text
    await sam.press("Send to Dr Lee")  # the preview's other button, pressed late
    assert sam.last.others == [] and sam.last.notice


async def test_sending_automatically_skips_the_preview(companion, clock, mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, RATINGS)
    await sam.command("sharing")
    await sam.press("Send automatically")
    assert "Summaries go automatically." in sam.last.replace.text
    await summaries_due(companion, clock, mail)
    assert mail.to(sam) == []
    assert "Confidence: 7 / 10" in mail.to(lee)[-1].text
    await lee.command("summary", "1")
    assert "Confidence: 7 / 10" in lee.text


async def test_each_therapist_gets_only_their_own_scopes(companion, clock, mail):
    sam, lee, _ = await people(companion)
    kay = Person(companion, "901", channel="telegram", name="Kay Physio")
    await share_with(sam, lee, STEPS)
    await share_with(sam, kay, RATINGS, NOTES)
    await sam.command("sharing")
    assert f"Dr Lee receives: {STEPS}." in sam.text
    assert f"Kay Physio receives: {RATINGS}, {NOTES}." in sam.text
    await summaries_due(companion, clock, mail)
    previews = {m.text.split(",")[0]: m.text for m in mail.to(sam)}
    for_lee = next(t for t in previews.values() if "for Dr Lee" in t)
    for_kay = next(t for t in previews.values() if "for Kay Physio" in t)
    assert "a walk on Saturday" in for_lee and "7 / 10" not in for_lee
    assert "7 / 10" in for_kay and "my knee felt better" in for_kay and "a walk" not in for_kay


async def test_stopping_drops_what_is_queued_and_the_therapist_sees_nothing(companion, clock,
                                                                           mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, STEPS)
    await summaries_due(companion, clock, mail)
    sam.receive(mail.letters)
    preview_buttons = list(sam.buttons)
    await sam.command("sharing")
    await sam.press("Stop sharing")
    assert "What they already received stays in their chat" in sam.last.replace.text
    await sam.press("Yes, stop sharing")
    assert "Sharing with Dr Lee has stopped" in sam.text
    sam.buttons = preview_buttons
    await sam.press("Send to Dr Lee")  # the preview made before: it goes nowhere now
    assert sam.last.others == [] and sam.last.notice
    await lee.command("patients")
    assert "No one is sharing" in lee.text
    await lee.command("summary", "Sam Smith")
    assert lee.text == "There's nothing shared with you under that name."
    statuses = query(companion.db.path, "SELECT status FROM summaries")
    assert statuses == [("dropped",)]
    # No summary slot is left, so nothing more is prepared.
    assert await summaries_due(companion, clock, mail,
                               datetime(2026, 3, 15, 17, 1, tzinfo=UTC)) == mail.letters
    assert query(companion.db.path, "SELECT COUNT(*) FROM schedules WHERE dialog_id = 'summary'") \
        == [(0,)]


async def test_a_code_works_once_and_only_for_a_day(companion, clock):
    sam, lee, stranger = await people(companion)
    code = share_code(await sam.command("share"))
    await lee.command("start", code)
    await stranger.command("start", code)  # reused
    assert stranger.text.startswith("This link code doesn't work")
    assert stranger.last.others == []
    late = share_code(await sam.command("share"))
    clock.advance(hours=24, minutes=1)
    await stranger.command("start", late)  # expired
    assert stranger.text.startswith("This link code doesn't work")
    await sam.command("start", share_code(await sam.command("share")))
    assert "your own link" in sam.text


async def test_repeated_wrong_codes_from_one_account_have_to_wait(companion, clock):
    sam, lee, stranger = await people(companion)
    for guess in range(5):
        await stranger.command("start", f"guessedCode{guess:08d}")
        assert stranger.text.startswith("This link code doesn't work")
    real = share_code(await sam.command("share"))
    await stranger.command("start", real)
    assert "checked again in an hour" in stranger.text and stranger.last.others == []
    await lee.command("start", real)  # another account is not held up, and the code is unused
    assert "now chooses what to share" in lee.text
    clock.advance(hours=1, minutes=1)
    await stranger.command("start", share_code(await sam.command("share")))
    assert "now chooses what to share" in stranger.text


async def test_forged_presses_on_someone_elses_sharing_do_nothing(companion, clock, mail):
    sam, lee, stranger = await people(companion)
    await share_with(sam, lee, STEPS)
    await summaries_due(companion, clock, mail)
    sam.receive(mail.letters)
    summary_id, link_id = query(companion.db.path, "SELECT id, link_id FROM summaries")[0]
    before = everything(companion.db.path)
    for data in (f"v|{summary_id}|send", f"v|{summary_id}|skip", f"l|{link_id}|end",
                 f"l|{link_id}|c7", f"l|{link_id}|auto"):
        for intruder in (stranger, lee):
            await intruder.press_data(data)
            assert intruder.last.others == [] and intruder.last.replace is None
            assert intruder.last.notice
    assert everything(companion.db.path).replace("\n", "") .count("preview") == \
        before.replace("\n", "").count("preview")
    assert query(companion.db.path, "SELECT status, scopes, auto_send FROM links") == [
        ("active", "steps", 0)]


async def test_the_summary_day_can_change(companion, clock, mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, RATINGS)
    assert "On Sundays at 18:00 you'll see the week's summary first" in sam.text
    await sam.command("sharing")
    await sam.press("Change day or time")
    await sam.press("Friday")
    await sam.say("20:00")
    assert "comes on Friday at 20:00" in sam.text
    await sam.command("sharing")
    assert "Weekly summaries: Fridays at 20:00" in sam.text
    # Friday 6 March, 20:00 in Berlin.
    await summaries_due(companion, clock, mail, datetime(2026, 3, 6, 19, 1, tzinfo=UTC))
    assert "Confidence: 7 / 10" in mail.to(sam)[-1].text


async def test_an_allowlist_limits_who_can_receive_summaries(tmp_path, clock):
    settings = Settings(database=tmp_path / "clinic.db", therapists=" 900, 901 ")
    async with build(settings, clock) as app:
        sam, lee, stranger = await people(app.companion)
        code = share_code(await sam.command("share"))
        await stranger.command("start", code)
        assert "only accounts the operator has listed" in stranger.text
        await lee.command("start", code)  # the code was not used up by the refusal
        assert "now chooses what to share" in lee.text


async def test_a_therapist_who_never_onboarded_gets_their_commands_not_a_check_in(companion):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, STEPS)
    await lee.say("hello")
    assert "/patients" in lee.text and "/summary NAME" in lee.text
    await lee.command("patients")
    assert f"1. Sam Smith — {STEPS}" in lee.text


async def test_export_holds_the_sharing_and_delete_removes_it_everywhere(companion, clock, mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, NOTES)
    await summaries_due(companion, clock, mail)
    sam.receive(mail.letters)
    await sam.press("Send to Dr Lee")
    data = await companion.export(Who("telegram", "777"))
    [link] = data["sharing"]
    assert link["therapist"]["name"] == "Dr Lee" and link["scopes"] == "notes"
    assert "my knee felt better" in link["summaries"][0]["text"]
    assert (await companion.export(Who("telegram", "900")))["receiving"][0]["shown_as"] == "Dr Lee"
    files = dict(await companion.export_files(Who("telegram", "777")))
    assert "Dr Lee" in files["alongside-export.md"].decode()

    erased = await companion.erase(Who("telegram", "777"))
    assert erased["links"] == 1 and erased["summaries"] == 1
    left = everything(companion.db.path, companion.db.cipher)
    for words in ("my knee felt better", "Sam Smith", "'777'"):
        assert words not in left
    await lee.command("patients")
    assert "No one is sharing" in lee.text


async def test_export_delete_import_keeps_the_sharing_on_the_same_installation(companion, clock,
                                                                              mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, RATINGS)
    await summaries_due(companion, clock, mail)
    first = await companion.export(Who("telegram", "777"))
    await companion.erase(Who("telegram", "777"))
    await companion.restore(first)
    assert await companion.export(Who("telegram", "777")) == first
    await lee.command("patients")
    assert "1. Sam Smith" in lee.text


async def test_the_names_and_summaries_are_sealed_on_disk(companion, clock, mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, STEPS)
    await summaries_due(companion, clock, mail)
    raw = everything(companion.db.path)  # no cipher: as the file holds it
    for words in ("Dr Lee", "Sam Smith", "time with my daughter"):
        assert words not in raw


async def test_a_redelivered_update_sends_its_letters_again_but_changes_nothing(companion):
    sam, lee, _ = await people(companion)
    code = share_code(await sam.command("share"))
    opened = Inbound(lee.who, Command("start", code), update_id=990001)
    first = await companion.handle(opened)
    again = await companion.handle(opened)  # e.g. a crash before the reply went out
    assert again.others == first.others and again.others[0].to == "777"
    assert query(companion.db.path, "SELECT COUNT(*) FROM links") == [(1,)]
    await companion.delivered("telegram", [990001])
    assert (await companion.handle(opened)).duplicate


async def test_without_a_timezone_sharing_says_what_it_needs(companion):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, STEPS)
    async with companion.db.transaction() as conn:
        await conn.execute("UPDATE people SET timezone = NULL WHERE external_id = '777'")
    await sam.command("sharing")
    assert "I need your timezone first" in sam.text
    await sam.press("Change day or time")
    assert "I need your timezone first" in sam.text


async def test_sharing_again_after_stopping_starts_from_a_fresh_choice(companion, clock, mail):
    sam, lee, _ = await people(companion)
    await share_with(sam, lee, STEPS, NOTES)
    await sam.command("sharing")
    await sam.press("Stop sharing")
    await sam.press("Yes, stop sharing")
    code = share_code(await sam.command("share"))
    await lee.command("start", code)
    asked = sam.receive(lee.last.others)[0]
    assert all(not b.label.startswith("☑") for b in asked.buttons)  # nothing carried over
    await sam.press(f"☐ {RATINGS}")
    await sam.press("Confirm")
    await summaries_due(companion, clock, mail)
    preview = sam.receive(mail.letters)[-1].text
    assert "Confidence: 7 / 10" in preview and "a walk" not in preview and "my knee" not in preview
