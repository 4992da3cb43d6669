"""A week in the person's own words, limited to the scopes they chose.

The text is built once, shown to the person as a preview, and sent as it is: what the
person saw is exactly what the therapist reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.flows.loader import Library
from bot.flows.schema import ChoiceNode, ScaleNode
from storage.models import AnswerValue

# (session, flow, answer name, value, answered at) as storage returns them.
AnswerRow = tuple[int | None, str, str, AnswerValue, str]


def week_summary(rows: Sequence[AnswerRow], scopes: Sequence[str], library: Library,
                 locale: str, zone: ZoneInfo, start: datetime, end: datetime) -> str | None:
    """The summary text, or None when nothing of the week falls under these scopes."""
    lexicon = library.lexicon
    chosen = {name: scope.answers[name] for scope_id, scope in lexicon.sharing.items()
              if scope_id in scopes for name in scope.answers}
    by_session: dict[tuple[int | None, str], list[str]] = {}
    first_seen: dict[tuple[int | None, str], str] = {}
    questions: dict[str, dict[str, object]] = {}  # per flow: its kept names, worked out once
    for session, flow_id, name, value, at in rows:
        if name not in chosen:
            continue
        if flow_id not in questions:
            dialog = library.dialogs.get(flow_id)
            questions[flow_id] = dict(dialog.kept_names()) if dialog else {}
        key = (session, flow_id)
        first_seen.setdefault(key, at)
        label = lexicon.text(chosen[name], locale)
        by_session.setdefault(key, []).append(
            _shown(library, questions[flow_id].get(name), value, label, locale))
    if not by_session:
        return None
    lines = [lexicon.line("summary_week", locale, start=_day(start, zone), end=_day(end, zone))]
    for key, shown in by_session.items():
        when = datetime.fromisoformat(first_seen[key]).astimezone(zone)
        dialog = library.dialogs.get(key[1])
        title = dialog.title.get(locale) or dialog.title["en"] if dialog else key[1]
        lines.append("")
        lines.append(lexicon.line("summary_session", locale, date=when.strftime("%Y-%m-%d"),
                                  flow=title))
        lines += shown
    return "\n".join(lines)


def _shown(library: Library, question: object, value: AnswerValue, label: str,
           locale: str) -> str:
    """A choice shows its label, a scale its range; free text is quoted as written."""
    lexicon = library.lexicon
    if isinstance(question, ChoiceNode):
        option = next((o for o in question.options if o.key == value), None)
        answer = (option.label.get(locale) or option.label["en"]) if option else str(value)
        return lexicon.line("summary_choice", locale, label=label, answer=answer)
    if isinstance(question, ScaleNode):
        return lexicon.line("summary_choice", locale, label=label,
                            answer=f"{value} / {question.max}")
    return lexicon.line("summary_words", locale, label=label, answer=str(value))


def _day(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d")


def split_text(text: str, limit: int = 4000) -> list[str]:
    """A long summary in several messages, cut between lines (a message holds 4096)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one very long answer: cut it, nothing is dropped
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    if current or not parts:
        parts.append(current)
    return parts
