"""The safety net: crisis wording, and "am I talking to a person?" — pure functions.

Matching is by whole words and phrases from `dialogs/lexicon/safety.yaml`, per locale
(both locales are searched: people switch languages in distress). Nothing here keeps
or logs the text it looks at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Literal

from bot.flows.lexicon import Lexicon

Finding = Literal["crisis", "human"]


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("`", "'").lower()
    return re.sub(r"\s+", " ", text)


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(_normalise(p)) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _matches(text: str, phrases: Iterable[str]) -> bool:
    chosen = tuple(phrases)
    return bool(chosen) and _pattern(chosen).search(_normalise(text)) is not None


def check(text: str, lexicon: Lexicon) -> Finding | None:
    """Crisis wording first (it always wins), then a question about who is reading."""
    if _matches(text, (p for phrases in lexicon.crisis.values() for p in phrases)):
        return "crisis"
    if _matches(text, (p for phrases in lexicon.human_questions.values() for p in phrases)):
        return "human"
    return None


def resources_text(lexicon: Lexicon, locale: str) -> str:
    entries = lexicon.resources.get(locale) or next(iter(lexicon.resources.values()), [])
    return "\n".join(f"• {r.name}: {r.contact}" for r in entries)
