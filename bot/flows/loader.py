"""YAML files -> validated models, with every problem reported as `file:line:col`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from bot.flows.lexicon import Lexicon
from bot.flows.schema import NODE_KINDS, Dialog, Node


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.col}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


@dataclass
class Source:
    """One parsed YAML file, kept for locating problems found after validation."""

    path: Path
    tree: Any

    def at(self, *loc: str | int, message: str, hint: str = "") -> Problem:
        line, col = locate(self.tree, loc)
        return Problem(str(self.path), line, col, message, hint)


@dataclass
class Library:
    """Everything in a dialogs folder that loaded and validated."""

    folder: Path
    dialogs: dict[str, Dialog] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=Lexicon)
    sources: dict[str, Source] = field(default_factory=dict)  # dialog id or "lexicon:<file>"


def closest(word: object, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else ""


def locate(tree: Any, loc: Iterable[str | int]) -> tuple[int, int]:
    """1-based line and column of the deepest part of `loc` present in the tree."""
    line, col = 0, 0
    node = tree
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line, col = node.lc.key(part)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line, col = node.lc.item(part)
            node = node[part]
        elif isinstance(node, CommentedMap | CommentedSeq) and (line, col) == (0, 0):
            line, col = node.lc.line, node.lc.col
        # Parts that are not in the file (a union's tag, a missing key) keep the parent's place.
    if (line, col) == (0, 0) and isinstance(tree, CommentedMap | CommentedSeq):
        line, col = tree.lc.line, tree.lc.col
    return line + 1, col + 1


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), 1, 1, f"cannot read the file: {exc.__class__.__name__}")]
    try:
        return yaml.load(text), []
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else ""
        return None, [Problem(str(path), mark.line + 1, mark.column + 1,
                              f"duplicate key `{key}`" if key else "duplicate key",
                              "each key may appear once in a mapping; the second one would "
                              "silently replace the first")]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(str(path), line, col, f"YAML syntax: {exc.problem or exc.context}",
                              "check the indentation and quoting on this line or the one before")]


def validation_problems(source: Source, exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = error["loc"]
        kind = error["type"]
        last = loc[-1] if loc else ""
        hint = ""
        if kind == "extra_forbidden":
            message = f"unknown key `{last}`"
            hint = closest(last, _allowed_keys(source.tree, loc, model))
        elif kind == "missing":
            message = f"missing key `{'else' if last == 'else' else last}`"
            if last == "else":
                message = "a branch needs an `else`: where to go when no case matches"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            found = error.get("input", {}).get("kind") if isinstance(error.get("input"), dict) else None
            message = f"unknown node kind `{found}`" if found else "a node needs a `kind`"
            hint = closest(found, NODE_KINDS) or f"kinds: {', '.join(NODE_KINDS)}"
            loc = (*loc, "kind")
        else:
            message = f"`{'.'.join(str(p) for p in loc)}`: {error['msg']}"
        problems.append(source.at(*_untagged(loc), message=message, hint=hint))
    return problems


def _untagged(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the node kind pydantic puts into the path of a node's error."""
    if len(loc) > 2 and loc[0] == "nodes" and loc[2] in NODE_KINDS:
        return loc[:2] + loc[3:]
    return loc


def _allowed_keys(tree: Any, loc: tuple[Any, ...], model: type[BaseModel]) -> list[str]:
    """The keys the schema allows where an unknown key stood (for 'did you mean')."""
    from bot.flows import schema

    by_kind = {
        "message": schema.MessageNode, "text": schema.FreeTextNode, "choice": schema.ChoiceNode,
        "scale": schema.ScaleNode, "time": schema.TimeNode, "timezone": schema.TimezoneNode,
        "branch": schema.BranchNode, "end": schema.EndNode,
    }
    parent = loc[:-1]
    if model is Dialog and len(parent) >= 3 and parent[0] == "nodes" and parent[2] in by_kind:
        target: type[BaseModel] = by_kind[str(parent[2])]
        if len(parent) == 3:
            return [f.alias or n for n, f in target.model_fields.items()]
        nested = {"options": schema.Option, "cases": schema.Case, "when": schema.Condition,
                  "summary": schema.SummaryLine}
        for part in reversed(parent):
            if part in nested:
                return list(nested[str(part)].model_fields)
        return []
    if len(parent) == 0:
        return list(model.model_fields)
    return []


def load_dialog(path: Path) -> tuple[Dialog | None, Source | None, list[Problem]]:
    tree, problems = read_yaml(path)
    if problems:
        return None, None, problems
    source = Source(path, tree)
    if not isinstance(tree, dict):
        return None, source, [source.at(message="a dialog file is a mapping with `id`, `version`, "
                                        "`title`, `locales`, `start` and `nodes`")]
    try:
        dialog = Dialog.model_validate(tree)
    except ValidationError as exc:
        return _partial_dialog(source), source, validation_problems(source, exc, Dialog)
    if dialog.id != path.stem:
        return None, source, [source.at("id", message=f"the id `{dialog.id}` differs from the file "
                                        f"name `{path.name}`", hint=f"rename one: id `{path.stem}`")]
    return dialog, source, []


def _partial_dialog(source: Source) -> Dialog | None:
    """The nodes that did validate, so the other checks can still run on them.

    The ids of the broken nodes are kept in `broken_nodes` so references to them are
    not reported a second time.
    """
    raw_nodes = source.tree.get("nodes")
    if not isinstance(raw_nodes, dict):
        return None
    adapter: TypeAdapter[Node] = TypeAdapter(Node)
    good: dict[str, Node] = {}
    broken: dict[str, str | None] = {}
    for node_id, raw in raw_nodes.items():
        try:
            good[str(node_id)] = adapter.validate_python(raw)
        except ValidationError:
            keep = raw.get("keep") if isinstance(raw, dict) else None
            broken[str(node_id)] = str(keep) if keep else None
    if not good:
        return None
    try:
        dialog = Dialog.model_validate({**source.tree, "nodes": good})
    except ValidationError:
        return None
    return dialog.model_copy(update={"broken_nodes": broken})


def load_lexicon_file(path: Path) -> tuple[Lexicon | None, Source | None, list[Problem]]:
    tree, problems = read_yaml(path)
    if problems:
        return None, None, problems
    source = Source(path, tree)
    try:
        return Lexicon.model_validate(tree or {}), source, []
    except ValidationError as exc:
        return None, source, validation_problems(source, exc, Lexicon)


def load_library(folder: Path) -> tuple[Library, list[Problem]]:
    """Load every flow (`*.yaml`) and the lexicon (`lexicon/*.yaml`) of a folder."""
    library = Library(folder=folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        return library, [Problem(str(folder), 1, 1, "no such dialogs folder")]
    for path in sorted((folder / "lexicon").glob("*.yaml")):
        lexicon, source, found = load_lexicon_file(path)
        problems += found
        if lexicon is not None and source is not None:
            library.lexicon = library.lexicon.merged(lexicon)
            library.sources[f"lexicon:{path.name}"] = source
    for path in sorted(folder.glob("*.yaml")):
        dialog, source, found = load_dialog(path)
        problems += found
        if dialog is not None and source is not None:
            library.dialogs[dialog.id] = dialog
            library.sources[dialog.id] = source
    if not library.dialogs and not problems:
        problems.append(Problem(str(folder), 1, 1, "no dialog files (*.yaml) in this folder"))
    return library, problems
