"""How replies look on a phone: keyboards that fit, one message per question."""

from __future__ import annotations

from bot.channels.telegram_channel import TEXT_LIMIT, keyboard, merged
from bot.events import OutButton, Outgoing


def buttons(*labels: str, skip: bool = True) -> tuple[OutButton, ...]:
    out = tuple(OutButton(label, f"a|1|n|{i}") for i, label in enumerate(labels))
    return out + ((OutButton("Skip", "a|1|n|~skip", skip=True),) if skip else ())


def rows(message: Outgoing) -> list[list[str]]:
    markup = keyboard(message)
    return [[b.text for b in row] for row in markup.inline_keyboard] if markup else []


def test_a_zero_to_ten_scale_fits_in_two_rows_with_skip_below():
    scale = Outgoing("How confident?", buttons(*map(str, range(11))), "scale")
    assert rows(scale) == [["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"], ["Skip"]]


def test_short_labels_sit_side_by_side_and_long_ones_get_a_row_each():
    days = Outgoing("Which day?", buttons("Monday", "Tuesday", "Wednesday", "Thursday"), "choice")
    assert rows(days)[0] == ["Monday", "Tuesday", "Wednesday"]
    consent = Outgoing("Okay?", buttons("Yes, keep my answers", "No, not now", skip=False), "choice")
    assert rows(consent) == [["Yes, keep my answers"], ["No, not now"]]


def test_a_message_without_buttons_has_no_keyboard():
    assert keyboard(Outgoing("Hello.")) is None


def test_lines_on_the_way_arrive_with_the_question():
    question = Outgoing("What matters?", buttons(), "text")
    out = merged([Outgoing("Hi Sam."), Outgoing("Okay."), question])
    assert [m.text for m in out] == ["Hi Sam.\n\nOkay.\n\nWhat matters?"]
    assert out[0].buttons == question.buttons


def test_a_closing_summary_stays_one_message():
    assert [m.text for m in merged([Outgoing("Okay."), Outgoing("Noted.")])] == ["Okay.\n\nNoted."]


def test_merging_never_makes_a_message_telegram_would_refuse():
    long = Outgoing("x" * 3000)
    out = merged([long, long, Outgoing("Question?", buttons(), "text")])
    assert all(len(m.text) <= TEXT_LIMIT for m in out)
    assert out[-1].buttons and len(out) == 3
