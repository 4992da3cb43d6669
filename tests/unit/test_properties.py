"""Whatever a person sends, every shipped flow copes: it never raises, it ends or waits
for a valid answer, and nothing it shows tells the person what to do."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.flows.engine import Begin, Pick, Skip, TextIn, Unreadable, new_state, step
from bot.flows.loader import Library

answers = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["So", "Sk"]), min_size=1, max_size=5),  # emoji
    st.just("x" * 5000),
    st.just(""),
    st.integers(min_value=-1000, max_value=1000).map(str),
    st.sampled_from(["yes", "no", "1", "2", "7", "11", "9pm", "25:99", "Berlin", "Atlantis"]),
)
events = st.one_of(
    answers.map(TextIn),
    st.just(Skip()),
    st.sampled_from(["sticker", "photo", "voice", "location", "dice"]).map(Unreadable),
    st.tuples(st.sampled_from(["", "x"]), st.text(max_size=12)).map(lambda t: ("pick", *t)),
)


def prescriptive_in(library: Library, text: str, locale: str) -> list[str]:
    folded = text.replace("’", "'").lower()
    return [p for p in library.lexicon.prescriptive[locale]
            if re.search(rf"(?<!\w){re.escape(p.lower())}(?!\w)", folded)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dialog_id=st.sampled_from(["onboarding", "weekly", "review", "note", "language"]),
       locale=st.sampled_from(["en", "de"]),
       run=st.integers(min_value=0, max_value=5),
       with_history=st.booleans(),
       script=st.lists(events, max_size=25))
def test_random_answers_never_break_a_flow(library, dialog_id, locale, run, with_history, script):
    dialog = library.dialogs[dialog_id]
    history = {"name": "Sam", "step": "walk", "what_matters": "family"} if with_history else {}
    turn = step(dialog, new_state(dialog, locale, run), Begin(), lexicon=library.lexicon,
                history=history)
    for event in script:
        if turn.status == "ended":
            break
        if isinstance(event, tuple):  # a press: on the waiting question's buttons, or forged
            question = turn.question
            keys = [b.key for b in question.buttons] if question else []
            use_real = event[1] == "x" and keys
            event = Pick(turn.state.node_id, keys[len(event[2]) % len(keys)] if use_real else event[2])
        turn = step(dialog, turn.state, event, lexicon=library.lexicon, history=history)
        assert turn.messages, "every event gets an answer"
        if turn.status == "waiting":
            assert turn.question is not None and turn.question.node_id == turn.state.node_id
        for message in turn.messages:
            assert len(message.text) <= 4096
            spoken = locale if dialog_id not in ("onboarding", "language") else turn.state.locale
            assert prescriptive_in(library, message.text, spoken) == [], message.text
