"""A person's export as a readable document (the JSON beside it is for computers)."""

from __future__ import annotations

import json
from typing import Any

from bot.flows.lexicon import Lexicon


def to_markdown(data: dict[str, Any], lexicon: Lexicon, locale: str) -> str:
    def line(line_id: str) -> str:
        return lexicon.line(line_id, locale)

    person = data["person"]
    out = [f"# {line('export_title')}", "", f"## {line('export_profile')}", ""]
    out += [f"- {key}: {value}" for key, value in person.items() if value is not None]
    out += ["", f"## {line('export_answers')}", ""]
    for answer in data["answers"]:
        value = answer["value"]
        shown = value if isinstance(value, str) else json.dumps(value)
        out.append(f"- {answer['answered_at'][:16].replace('T', ' ')} · {answer['dialog_id']} · "
                   f"{answer['name']}: {shown}")
    out += ["", f"## {line('export_schedules')}", ""]
    for slot in data["schedules"]:
        day = line("day_" + str(slot["weekday"]))
        out.append(f"- {slot['dialog_id']}: {day} {slot['local_time']}")
    out += ["", f"## {line('export_checkins')}", ""]
    out += [f"- {c['due_at']} · {c['dialog_id']} · {c['status']}" for c in data["checkins"]]
    out += ["", f"## {line('export_sharing')}", ""]
    for link in data.get("sharing", []):
        out.append(f"- {link['therapist']['name']} · {link['status']} · {link['scopes']}")
        for summary in link["summaries"]:
            out.append(f"  - {summary['period_end'][:10]} · {summary['status']}")
            out += [f"    {text_line}" for text_line in (summary["text"] or "").splitlines()]
    return "\n".join(out) + "\n"
