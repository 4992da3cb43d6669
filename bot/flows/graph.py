"""`alongside dialogs graph NAME`: a dialog as a Mermaid flowchart, for its authors."""

from __future__ import annotations

from bot.flows.schema import BranchNode, Condition, Dialog, EndNode, MessageNode

_SHAPES = {"message": ("[", "]"), "branch": ("{", "}"), "end": ("(((", ")))")}
_QUESTION_SHAPE = ("([", "])")


def _quote(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace('"', "#quot;")


def _condition(when: Condition) -> str:
    if when.answered is not None:
        return f"{when.name} {'answered' if when.answered else 'skipped'}"
    if when.equals is not None:
        return f"{when.name} = {when.equals}"
    if when.one_of is not None:
        return f"{when.name} in {', '.join(map(str, when.one_of))}"
    if when.at_most is not None:
        return f"{when.name} ≤ {when.at_most}"
    return f"{when.name} ≥ {when.at_least}"


def mermaid(dialog: Dialog, locale: str | None = None) -> str:
    locale = locale or dialog.locales[0]
    lines = ["flowchart TD", f"  %% {dialog.id} v{dialog.version}"]
    for node_id, node in dialog.nodes.items():
        opening, closing = _SHAPES.get(node.kind, _QUESTION_SHAPE)
        label = f"{node_id} · {node.kind}"
        if not isinstance(node, BranchNode):
            wordings = node.text.get(locale) or next(iter(node.text.values()))
            label += f"<br/>{_quote(wordings[0])}"
        lines.append(f'  {node_id}{opening}"{label}"{closing}')
    lines.append(f"  start((start)) --> {dialog.start}")
    for node_id, node in dialog.nodes.items():
        if isinstance(node, BranchNode):
            for case in node.cases:
                lines.append(f'  {node_id} -->|"{_quote(_condition(case.when))}"| {case.next}')
            lines.append(f"  {node_id} -->|else| {node.else_}")
        elif isinstance(node, MessageNode):
            lines.append(f"  {node_id} --> {node.next}")
        elif not isinstance(node, EndNode):
            skip = "" if node.skippable else " (required)"
            lines.append(f"  {node_id} -->{('|' + skip.strip() + '|') if skip else ''} {node.next}")
    return "\n".join(lines) + "\n"
