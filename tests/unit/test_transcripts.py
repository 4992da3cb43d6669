"""The scripted conversations in dialogs/transcripts are tests too."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialog_files import shipped_folder
from bot.flows.transcripts import Results, run_file, run_transcripts, transcript_files

FILES = transcript_files(shipped_folder())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript_passes(library, path):
    results = Results()
    run_file(library, path, results)
    assert results.conversations > 0
    assert [str(p) for p in results.problems] == []


def test_every_shipped_node_is_reached_by_a_transcript(library):
    assert run_transcripts(library).unvisited(library) == {}


def test_a_failing_transcript_says_where_and_what_was_said(library, tmp_path: Path):
    (tmp_path / "transcripts").mkdir()
    script = tmp_path / "transcripts" / "wrong.yaml"
    script.write_text(
        "conversations:\n"
        "  - name: expects the wrong words\n"
        "    dialog: note\n"
        "    steps:\n"
        "      - send: hello\n"
        "      - says: Goodbye\n", encoding="utf-8")
    results = run_transcripts(library, tmp_path)
    assert len(results.problems) == 1
    problem = results.problems[0]
    assert problem.line == 6
    assert problem.message == "expects the wrong words: expected the companion to say “Goodbye”"
    assert "Noted, in your words" in problem.hint


def test_a_step_with_two_actions_is_refused_with_its_line(library, tmp_path: Path):
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "transcripts" / "bad.yaml").write_text(
        "conversations:\n"
        "  - name: two at once\n"
        "    dialog: note\n"
        "    steps:\n"
        "      - {send: hi, skip: true}\n", encoding="utf-8")
    results = run_transcripts(library, tmp_path)
    assert [p.line for p in results.problems] == [5]
