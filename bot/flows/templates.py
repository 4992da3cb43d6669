"""Sandboxed text templates: `{name}` and `{last.name}` substitutions, nothing else.

No expressions, attributes, indexing or format specs: a template can only show an
answer, so a dialog file can never run code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter

NAME = re.compile(r"^(last\.)?[a-z][a-z0-9_]*$")


class TemplateError(ValueError):
    pass


def placeholders(template: str) -> list[str]:
    """The names a template shows, in order; raises TemplateError on bad syntax."""
    names = []
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"broken braces: {exc}; write {{{{ or }}}} for a literal brace") from exc
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion:
            raise TemplateError(f"`{{{field}}}` may not have a format spec or conversion")
        if not NAME.match(field):
            raise TemplateError(f"`{{{field}}}` is not a name; write `{{name}}` or `{{last.name}}`")
        names.append(field)
    return names


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill a template. A missing name renders empty: the checks rule that out beforehand."""
    out = []
    for literal, field, _spec, _conversion in Formatter().parse(template):
        out.append(literal)
        if field is not None:
            out.append(values.get(field, ""))
    return "".join(out)


def literal_length(template: str) -> int:
    """Characters of the template outside its placeholders."""
    try:
        return sum(len(literal) for literal, *_ in Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(str(exc)) from exc
