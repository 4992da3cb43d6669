"""The engine: every node kind, skipping, branching, templates, a flow changed mid-way."""

from __future__ import annotations

import pytest

from bot.flows.engine import (
    Begin,
    Located,
    Pick,
    Repeat,
    SessionState,
    Skip,
    TextIn,
    Turn,
    Unreadable,
    new_state,
    step,
)
from bot.flows.loader import Library
from bot.flows.schema import Dialog


def make_dialog(**nodes: dict) -> Dialog:
    start = next(iter(nodes))
    return Dialog.model_validate({"id": "t", "version": 1, "title": {"en": "T"},
                                  "locales": ["en"], "start": start, "nodes": nodes})


def end(text: str = "Done.", **extra: object) -> dict:
    return {"kind": "end", "text": {"en": text}, **extra}


class Talk:
    def __init__(self, library: Library, dialog: Dialog | str, locale: str = "en",
                 history: dict | None = None, run: int = 0) -> None:
        self.library = library
        self.dialog = library.dialogs[dialog] if isinstance(dialog, str) else dialog
        self.history = history or {}
        self.turn = self._step(new_state(self.dialog, locale, run), Begin())

    def _step(self, state: SessionState, event: object) -> Turn:
        return step(self.dialog, state, event, lexicon=self.library.lexicon,
                    history=self.history)

    def __call__(self, event: object) -> Turn:
        self.turn = self._step(self.turn.state, event)
        return self.turn

    @property
    def said(self) -> str:
        return "\n".join(m.text for m in self.turn.messages)

    @property
    def at(self) -> str:
        return self.turn.state.node_id


def test_a_message_flows_into_the_next_question(library):
    talk = Talk(library, make_dialog(
        hi={"kind": "message", "text": {"en": "Hello."}, "next": "q"},
        q={"kind": "text", "text": {"en": "What matters?"}, "next": "bye"},
        bye=end()))
    assert [m.text for m in talk.turn.messages] == ["Hello.", "What matters?"]
    assert talk.at == "q" and talk.turn.status == "waiting"
    assert talk.turn.question.input == "text"


def test_free_text_is_kept_as_written_and_too_long_is_refused_whole(library):
    talk = Talk(library, make_dialog(
        q={"kind": "text", "max_length": 10, "text": {"en": "Words?"}, "next": "bye"},
        bye=end("Done.", summary=[{"show_if": "q", "text": {"en": "You said “{q}”."}}])))
    talk(TextIn("x" * 11))
    assert "11 characters, and up to 10 fit here" in talk.said
    assert talk.turn.kept == {} and talk.at == "q"
    talk(TextIn("  calm 🙂 "))
    assert talk.turn.kept == {"q": "calm 🙂"}
    assert "You said “calm 🙂”." in talk.said


def test_an_empty_answer_is_asked_again_kindly(library):
    talk = Talk(library, "note")
    talk(TextIn("   "))
    assert "didn't catch any words" in talk.said and talk.at == "note"


def test_a_choice_takes_a_button_its_number_or_its_label(library):
    for event in (Pick("how_it_went_open", "partly"), TextIn("2"), TextIn("  PARTLY ")):
        talk = Talk(library, "review")
        talk(event)
        assert talk.turn.state.answers["how_it_went"] == "partly"


def test_an_unknown_choice_changes_nothing_and_asks_again(library):
    talk = Talk(library, "review")
    talk(Pick("how_it_went_open", "forged"))
    assert "couldn't match that" in talk.said and talk.turn.kept == {}
    talk(TextIn("9"))
    assert talk.at == "how_it_went_open"


def test_a_button_from_an_earlier_question_is_not_taken_for_this_one(library):
    talk = Talk(library, "review")
    talk(Pick("next_move", "keep"))
    assert "earlier question" in talk.said and talk.at == "how_it_went_open"


def test_a_scale_takes_numbers_in_range_only(library):
    talk = Talk(library, "weekly")
    talk(TextIn("rest"))
    talk(TextIn("nap"))
    assert talk.turn.question.input == "scale"
    assert [b.label for b in talk.turn.question.buttons] == [str(n) for n in range(11)]
    assert "0 = not at all · 10 = completely" in talk.said
    for bad in ("11", "-1", "lots", "🙂"):
        talk(TextIn(bad))
        assert talk.at == "confidence"
    talk(TextIn("7/10"))
    assert talk.turn.kept == {"confidence": 7}


@pytest.mark.parametrize(("typed", "kept"), [
    ("9", "09:00"), ("9:30", "09:30"), ("21:00", "21:00"), ("9pm", "21:00"),
    ("12am", "00:00"), ("7.15 p.m.", "19:15"), ("21 Uhr", "21:00"),
])
def test_a_time_of_day_is_read_in_the_usual_ways(library, typed, kept):
    dialog = make_dialog(t={"kind": "time", "text": {"en": "When?"}, "next": "e"}, e=end())
    talk = Talk(library, dialog)
    talk(TextIn(typed))
    assert talk.turn.kept == {"t": kept}


def test_a_timezone_comes_from_a_city_or_an_iana_name(library):
    dialog = make_dialog(z={"kind": "timezone", "text": {"en": "Where?"}, "next": "e"}, e=end())
    for typed, zone in [("Berlin", "Europe/Berlin"), ("sydney", "Australia/Sydney"),
                        ("New York", "America/New_York"), ("München", "Europe/Berlin"),
                        ("america/new_york", "America/New_York"), ("Kolkata, India", "Asia/Kolkata")]:
        talk = Talk(library, dialog)
        talk(TextIn(typed))
        assert talk.turn.kept == {"z": zone}, typed
    talk = Talk(library, dialog)
    talk(TextIn("Atlantis"))
    assert "couldn't find that place" in talk.said


def test_skipping_a_question_is_not_judged(library):
    talk = Talk(library, "weekly")
    talk(Skip())
    lexicon_skips = library.lexicon.lines["skipped"]["en"]
    assert any(line in talk.said for line in lexicon_skips)
    assert talk.turn.skipped == ["what_matters"] and talk.turn.kept == {}
    assert talk.at == "step_open"  # a step is still offered, without the reflection


def test_a_required_question_cannot_be_skipped(library):
    talk = Talk(library, "onboarding")
    talk(Skip())
    assert talk.at == "consent" and "needed to go on" in talk.said


def test_a_sticker_gets_a_clear_answer_and_the_question_again(library):
    talk = Talk(library, "note")
    talk(Unreadable("sticker"))
    assert "can't read stickers" in talk.said and talk.at == "note"
    talk(Unreadable("hologram"))
    assert "only read text" in talk.said


def test_branches_follow_the_answer(library):
    talk = Talk(library, "review", history={"step": "swim"})
    talk(Pick("how_it_went_quoted", "other_step"))
    assert talk.at == "noticed_other"
    talk = Talk(library, "review", history={"step": "swim"})
    talk(Pick("how_it_went_quoted", "did_it"))
    assert talk.at == "noticed"


def test_templates_show_this_runs_and_earlier_answers(library):
    talk = Talk(library, "review", history={"step": "a walk", "what_matters": "my daughter"})
    assert "“a walk”" in talk.said
    talk(TextIn("1"))
    talk(TextIn("it felt good"))
    assert "closer to “my daughter”" in talk.said


def test_a_choice_answer_is_shown_by_its_label_in_the_persons_language(library):
    talk = Talk(library, "onboarding", locale="de")
    talk(Pick("consent", "yes"))
    talk(TextIn("Alex"))
    talk(Skip())
    talk(TextIn("Wien"))
    talk(Pick("checkin_day", "wed"))
    assert "Um wie viel Uhr am Mittwoch?" in talk.said


def test_choosing_a_language_switches_the_conversation_at_once(library):
    talk = Talk(library, "language")
    talk(Pick("language", "de"))
    assert talk.turn.state.locale == "de"
    assert "Ab jetzt spreche ich Deutsch." in talk.said


def test_the_wording_rotates_by_how_often_the_flow_was_done(library):
    firsts = {Talk(library, "weekly", run=run).said for run in range(3)}
    assert len(firsts) == 3
    assert Talk(library, "weekly", run=3).said == Talk(library, "weekly", run=0).said


def test_repeat_shows_the_waiting_question_again_without_changing_anything(library):
    talk = Talk(library, "weekly")
    talk(TextIn("rest"))
    before = talk.turn.state
    talk(Repeat())
    assert talk.turn.state == before and "small step" in talk.said


def test_a_changed_flow_continues_at_the_same_question(library):
    talk = Talk(library, "weekly")
    talk(TextIn("rest"))
    newer = talk.dialog.model_copy(update={"version": 2})
    turn = step(newer, talk.turn.state, TextIn("a nap"), lexicon=library.lexicon)
    assert turn.kept == {"step": "a nap"} and not turn.restarted
    assert turn.state.dialog_version == 2


def test_a_changed_flow_without_the_question_restarts_gently_and_keeps_answers(library):
    talk = Talk(library, "weekly")
    talk(TextIn("rest"))
    nodes = dict(talk.dialog.nodes)
    del nodes["step"]
    nodes["reflect"] = nodes["reflect"].model_copy(update={"next": "step_open"})
    newer = talk.dialog.model_copy(update={"version": 2, "nodes": nodes})
    turn = step(newer, talk.turn.state, TextIn("a nap"), lexicon=library.lexicon)
    assert turn.restarted and "updated while we were talking" in turn.messages[0].text
    assert turn.state.node_id == "what_matters" and turn.kept == {}


def test_an_end_shows_only_the_summary_lines_that_were_answered(library):
    talk = Talk(library, "weekly")
    talk(TextIn("rest"))
    talk(Skip())
    assert talk.turn.status == "ended"
    assert "What matters: “rest”" in talk.said and "Your step" not in talk.said


@pytest.mark.parametrize(("typed", "key"), [("ja", "yes"), ("Nein", "no"), ("1", "yes")])
def test_a_choice_understands_the_core_of_a_label(library, typed, key):
    talk = Talk(library, "onboarding", locale="de")
    talk(TextIn(typed))
    assert talk.turn.state.answers.get("consent") == key


def test_a_unique_beginning_of_a_label_is_enough_but_an_ambiguous_one_is_not(library):
    talk = Talk(library, "review")
    talk(TextIn("part"))
    assert talk.turn.state.answers["how_it_went"] == "partly"
    talk = Talk(library, "onboarding")
    talk(Pick("consent", "yes"))
    talk(Skip())
    talk(Skip())
    talk(TextIn("Berlin"))
    talk(TextIn("t"))  # Tuesday or Thursday: too short to tell
    assert talk.at == "checkin_day"


@pytest.mark.parametrize(("latitude", "longitude", "zone"), [
    (52.4, 13.1, "Europe/Berlin"), (-33.9, 151.0, "Australia/Sydney"),
    (40.8, -73.9, "America/New_York"), (22.6, 88.4, "Asia/Kolkata"),
])
def test_a_shared_location_answers_the_timezone_question(library, latitude, longitude, zone):
    dialog = make_dialog(z={"kind": "timezone", "text": {"en": "Where?"}, "next": "e"}, e=end())
    talk = Talk(library, dialog)
    talk(Located(latitude, longitude))
    assert talk.turn.kept == {"z": zone}


def test_a_location_elsewhere_is_not_an_answer(library):
    talk = Talk(library, "note")
    talk(Located(52.5, 13.4))
    assert "A location doesn't answer this question" in talk.said and talk.turn.kept == {}
